/**
 * Every device's event stream, by app and user: the fan-out. A stream stays registered while its
 * device is away (up to `streamTtlMs`) so events wait for a resume. In cluster mode the registry also
 * knows the devices other nodes host (`useRemote`): services address them through the same methods,
 * and this node's own changes are announced to the others (`onPresence`).
 */
import { ErrorCode, type ServerEvent } from '@opencall/protocol';
import type { Logger } from 'pino';
import { DeviceStream, type FrameSink, type HandedStream } from './device-stream.js';
import type { ImConnection } from './im-connection.js';
import type { RemoteChange, RemoteDevices } from './remote-devices.js';

/** A change of one of this node's streams, for the other nodes. */
type PresenceListener = (stream: DeviceStream, change: 'attached' | 'detached' | 'gone', fresh: boolean) => void;

/** `resumed`: the device came back on its old stream (missed events were replayed). */
type ConnectedListener = (connection: ImConnection, resumed: boolean) => void;
type DisconnectedListener = (connection: ImConnection) => void;

export interface DeviceIdentity {
  appKey: string;
  userId: string;
  deviceId: string;
  tokenIssuedAt: number;
}

export class ConnectionRegistry {
  private readonly byUser = new Map<string, Map<string, DeviceStream>>();
  private readonly expiryTimers = new Map<DeviceStream, NodeJS.Timeout>();
  private readonly connectedListeners: ConnectedListener[] = [];
  private readonly disconnectedListeners: DisconnectedListener[] = [];
  private presenceListener: PresenceListener = () => undefined;
  private remote: RemoteDevices | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly streamTtlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(appKey: string, userId: string): string {
    return `${appKey}\u0000${userId}`;
  }

  onConnected(listener: ConnectedListener): void {
    this.connectedListeners.push(listener);
  }

  onDisconnected(listener: DisconnectedListener): void {
    this.disconnectedListeners.push(listener);
  }

  /** Cluster mode: devices hosted by other nodes, and where this node's changes go. */
  useRemote(remote: RemoteDevices, onPresence: PresenceListener): void {
    this.remote = remote;
    this.presenceListener = onPresence;
  }

  /** A presence change from another node: listeners hear of remote devices coming and going too. */
  applyRemote(change: RemoteChange | undefined): void {
    if (!change) return;
    const { device } = change;
    if (this.byUser.get(ConnectionRegistry.key(device.appKey, device.userId))?.get(device.deviceId)?.attached) return;
    if (change.kind === 'attached') this.notifyConnected(device, !change.fresh);
    else this.notify(this.disconnectedListeners, device);
  }

  /** Devices that went with a dead node: as if their sockets closed. */
  remoteDevicesGone(devices: readonly ImConnection[]): void {
    for (const device of devices) this.notify(this.disconnectedListeners, device);
  }

  /** This node's streams, for a node that asks (presence sync). */
  localStreams(): DeviceStream[] {
    return [...this.byUser.values()].flatMap((devices) => [...devices.values()]);
  }

  /**
   * A socket authenticated: resume the device's stream when `resume` names it, else start a new one.
   * `greet` runs once the stream is chosen and before any event reaches the socket (the `welcome`).
   */
  attach(
    identity: DeviceIdentity,
    sink: FrameSink,
    resume: { streamId: string; lastSeq: number } | undefined,
    greet: (stream: DeviceStream, resumed: boolean) => void,
    handed?: HandedStream,
  ): { stream: DeviceStream; resumed: boolean } {
    const key = ConnectionRegistry.key(identity.appKey, identity.userId);
    let devices = this.byUser.get(key);
    if (!devices) {
      devices = new Map();
      this.byUser.set(key, devices);
    }
    const existing = devices.get(identity.deviceId);
    if (existing) this.cancelExpiry(existing);
    const elsewhere = this.remote?.of(identity.appKey, identity.userId).find((d) => d.deviceId === identity.deviceId);
    if (elsewhere) {
      // The device moved here from another node: that node's stream of it ends.
      this.remote?.forget(identity.appKey, identity.userId, identity.deviceId);
      elsewhere.close(ErrorCode.RC_DISCONN_KICK, 'the same device connected on another server');
    }
    if (existing && resume && resume.streamId === existing.id) {
      existing.currentSink?.close(ErrorCode.RC_DISCONN_KICK, 'the same device connected again');
      existing.tokenIssuedAt = identity.tokenIssuedAt;
      greet(existing, true);
      existing.attach(sink, resume.lastSeq);
      this.notifyConnected(existing, true);
      this.presenceListener(existing, 'attached', false);
      return { stream: existing, resumed: true };
    }
    existing?.close(ErrorCode.RC_DISCONN_KICK, 'the same device connected again');
    // A stream another node handed over (cluster mode): resumed here, its unseen events replayed.
    const moved = resume && handed?.streamId === resume.streamId ? handed : undefined;
    const stream = new DeviceStream(identity.appKey, identity.userId, identity.deviceId, identity.tokenIssuedAt, moved);
    greet(stream, moved !== undefined);
    stream.attach(sink, moved ? resume?.lastSeq : undefined);
    devices.set(identity.deviceId, stream);
    this.notifyConnected(stream, moved !== undefined);
    this.presenceListener(stream, 'attached', moved === undefined);
    return { stream, resumed: moved !== undefined };
  }

  /** A socket closed: the stream waits `streamTtlMs` for a resume, then goes. */
  detach(stream: DeviceStream, sink: FrameSink): void {
    if (!stream.detach(sink, this.now())) return;
    this.notify(this.disconnectedListeners, stream);
    this.presenceListener(stream, 'detached', false);
    const timer = setTimeout(() => {
      this.expiryTimers.delete(stream);
      if (!stream.attached) this.forget(stream);
    }, this.streamTtlMs);
    timer.unref?.();
    this.expiryTimers.set(stream, timer);
  }

  /** Every stream of a user (attached, or away but still resumable), on this node or another. */
  connectionsOf(appKey: string, userId: string): ImConnection[] {
    const local = this.byUser.get(ConnectionRegistry.key(appKey, userId));
    const here: ImConnection[] = [...(local?.values() ?? [])];
    if (!this.remote) return here;
    for (const device of this.remote.of(appKey, userId)) if (!local?.has(device.deviceId)) here.push(device);
    return here;
  }

  /** The device's stream when a socket of it is attached (here or on another node). */
  deviceConnection(appKey: string, userId: string, deviceId: string): ImConnection | undefined {
    const stream = this.byUser.get(ConnectionRegistry.key(appKey, userId))?.get(deviceId);
    if (stream?.attached) return stream;
    return this.remote?.of(appKey, userId).find((d) => d.deviceId === deviceId && d.attached);
  }

  /** Devices of the user with a live socket, other than `exceptDeviceId`. */
  attachedDeviceCount(appKey: string, userId: string, exceptDeviceId: string): number {
    let count = 0;
    for (const connection of this.connectionsOf(appKey, userId)) {
      if (isAttached(connection) && connection.deviceId !== exceptDeviceId) count += 1;
    }
    return count;
  }

  /** At least one device of the user has a live socket. */
  isOnline(appKey: string, userId: string): boolean {
    return this.connectionsOf(appKey, userId).some(isAttached);
  }

  /**
   * The device resumes its stream on another node: hand it over (the events it has not seen) and end
   * it here. Undefined when this node does not hold that stream.
   */
  handOff(appKey: string, userId: string, deviceId: string, streamId: string, lastSeq: number): HandedStream | undefined {
    const stream = this.localStream(appKey, userId, deviceId);
    if (stream?.id !== streamId) return undefined;
    stream.currentSink?.close(ErrorCode.RC_DISCONN_KICK, 'the same device connected on another server');
    const handed = stream.handOff(lastSeq);
    this.forget(stream);
    return handed;
  }

  /** Whether this node holds the stream `streamId` of the device. */
  holdsStream(appKey: string, userId: string, deviceId: string, streamId: string): boolean {
    return this.localStream(appKey, userId, deviceId)?.id === streamId;
  }

  /** This node's stream of the device (attached or waiting for a resume). */
  localStream(appKey: string, userId: string, deviceId: string): DeviceStream | undefined {
    return this.byUser.get(ConnectionRegistry.key(appKey, userId))?.get(deviceId);
  }

  /** Send an event to every device of a user, or only to one device when `deviceId` is given. */
  sendToUser(appKey: string, userId: string, event: ServerEvent, deviceId?: string): void {
    for (const connection of this.connectionsOf(appKey, userId)) {
      if (deviceId === undefined || connection.deviceId === deviceId) connection.sendEvent(event);
    }
  }

  /** Close this node's streams of users whose tokens were revoked before `before`. */
  closeRevoked(appKey: string, userIds: string[], before: number): void {
    for (const userId of userIds) {
      for (const connection of this.localStreamsOf(appKey, userId)) {
        if (connection.tokenIssuedAt < before)
          this.closeStream(connection as DeviceStream, ErrorCode.RC_CONN_TOKEN_EXPIRED, 'token revoked');
      }
    }
  }

  /** Close this node's streams of these users (ban: 31009). */
  closeUsers(appKey: string, userIds: string[], code: number, message: string): void {
    for (const userId of userIds) for (const stream of this.localStreamsOf(appKey, userId)) this.closeStream(stream, code, message);
  }

  /** Close this node's streams of every user of an app (the app was disabled: 31008). */
  closeApp(appKey: string, code: number, message: string): void {
    for (const devices of [...this.byUser.values()]) {
      for (const stream of [...devices.values()]) if (stream.appKey === appKey) this.closeStream(stream, code, message);
    }
  }

  /** Close this node's stream of one device (it connected on another node). */
  closeDevice(appKey: string, userId: string, deviceId: string, code: number, message: string): void {
    const stream = this.localStream(appKey, userId, deviceId);
    if (stream) this.closeStream(stream, code, message);
  }

  /** This node's streams of one user (a map lookup, not a scan of every device). */
  localStreamsOf(appKey: string, userId: string): DeviceStream[] {
    return [...(this.byUser.get(ConnectionRegistry.key(appKey, userId))?.values() ?? [])];
  }

  closeAll(): void {
    for (const devices of [...this.byUser.values()]) {
      for (const stream of [...devices.values()]) this.closeStream(stream, ErrorCode.OC_SERVER_SHUTDOWN, 'server shutting down');
    }
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private closeStream(stream: DeviceStream, code: number, message: string): void {
    const wasAttached = stream.attached;
    stream.close(code, message);
    this.forget(stream);
    if (wasAttached) this.notify(this.disconnectedListeners, stream);
  }

  private forget(stream: DeviceStream): void {
    this.cancelExpiry(stream);
    stream.end();
    const key = ConnectionRegistry.key(stream.appKey, stream.userId);
    const devices = this.byUser.get(key);
    if (devices?.get(stream.deviceId) !== stream) return;
    devices.delete(stream.deviceId);
    if (devices.size === 0) this.byUser.delete(key);
    this.presenceListener(stream, 'gone', false);
  }

  private cancelExpiry(stream: DeviceStream): void {
    clearTimeout(this.expiryTimers.get(stream));
    this.expiryTimers.delete(stream);
  }

  private notifyConnected(stream: ImConnection, resumed: boolean): void {
    for (const listener of this.connectedListeners) {
      try {
        listener(stream, resumed);
      } catch (error) {
        this.logger.error({ err: error }, 'connection listener failed');
      }
    }
  }

  private notify(listeners: DisconnectedListener[], stream: ImConnection): void {
    for (const listener of listeners) {
      try {
        listener(stream);
      } catch (error) {
        this.logger.error({ err: error }, 'connection listener failed');
      }
    }
  }
}

/** A local stream with a socket, or a remote device announced as attached. */
function isAttached(connection: ImConnection): boolean {
  return (connection as { attached?: boolean }).attached === true;
}
