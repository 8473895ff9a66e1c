/**
 * Devices whose event streams live on other nodes, as this node learns from their presence messages,
 * each behind an `ImConnection` whose events travel over the node bus to the hosting node. The call
 * service addresses them exactly like local devices.
 */
import type { ServerEvent } from '@opencall/protocol';
import type { DeviceLocation, NodeBus } from '../../ports/index.js';
import type { DeliveryReceipt, ImConnection } from './im-connection.js';

/** A device hosted by another node. */
export class RemoteDevice implements ImConnection {
  readonly id: string;
  readonly remote = true;

  constructor(
    private readonly bus: NodeBus,
    public location: DeviceLocation,
  ) {
    this.id = `${location.nodeId}/${location.deviceId}`;
  }

  get appKey(): string {
    return this.location.appKey;
  }
  get userId(): string {
    return this.location.userId;
  }
  get deviceId(): string {
    return this.location.deviceId;
  }
  get tokenIssuedAt(): number {
    return this.location.tokenIssuedAt;
  }
  get attached(): boolean {
    return this.location.attached;
  }

  sendEvent(event: ServerEvent, receipt?: DeliveryReceipt): void {
    const { appKey, userId, deviceId, nodeId } = this.location;
    this.bus.send(nodeId, { t: 'deliver', appKey, userId, deviceId, event });
    // Delivery receipts are only kept for streams of this node (offline records are delivered there).
    receipt?.lost();
  }

  close(code: number, message: string): void {
    const { appKey, userId, deviceId, nodeId } = this.location;
    this.bus.send(nodeId, { t: 'close_device', appKey, userId, deviceId, code, message });
  }
}

/** Whether a connection is a device hosted by another node. */
export function isRemoteDevice(connection: ImConnection): connection is RemoteDevice {
  return connection instanceof RemoteDevice;
}

/** What a presence message changed. */
export interface RemoteChange {
  device: RemoteDevice;
  /** attached: a socket came (fresh: on a new stream); detached: it went; gone: the stream ended. */
  kind: 'attached' | 'detached' | 'gone';
  fresh: boolean;
}

export class RemoteDevices {
  /** appKey\0userId → deviceId → device */
  readonly #byUser = new Map<string, Map<string, RemoteDevice>>();
  /** nodeId → how many known devices it hosts (kept with every change: `nodes()` runs every sweep). */
  readonly #countByNode = new Map<string, number>();

  constructor(private readonly bus: NodeBus) {}

  static key(appKey: string, userId: string): string {
    return `${appKey}\u0000${userId}`;
  }

  /** Every known remote device of the app (the console's live view). */
  ofApp(appKey: string): RemoteDevice[] {
    const prefix = `${appKey}\u0000`;
    return [...this.#byUser].filter(([key]) => key.startsWith(prefix)).flatMap(([, devices]) => [...devices.values()]);
  }

  of(appKey: string, userId: string): RemoteDevice[] {
    return [...(this.#byUser.get(RemoteDevices.key(appKey, userId))?.values() ?? [])];
  }

  /** Applies a presence message from `location.nodeId`; returns what changed (undefined: nothing). */
  apply(location: DeviceLocation, gone: boolean, fresh: boolean): RemoteChange | undefined {
    const key = RemoteDevices.key(location.appKey, location.userId);
    let devices = this.#byUser.get(key);
    const known = devices?.get(location.deviceId);
    if (gone) {
      // Only the node that hosts it may say it is gone (it may have moved on to another node).
      if (!known || known.location.nodeId !== location.nodeId) return undefined;
      devices!.delete(location.deviceId);
      this.#count(known.location.nodeId, -1);
      if (devices!.size === 0) this.#byUser.delete(key);
      return { device: known, kind: 'gone', fresh: false };
    }
    if (!devices) {
      devices = new Map();
      this.#byUser.set(key, devices);
    }
    const wasAttached = known?.attached === true && known.location.nodeId === location.nodeId;
    const device = known ?? new RemoteDevice(this.bus, location);
    if (known) this.#count(known.location.nodeId, -1);
    this.#count(location.nodeId, +1);
    device.location = location;
    devices.set(location.deviceId, device);
    if (location.attached && (!wasAttached || fresh)) return { device, kind: 'attached', fresh };
    if (!location.attached && wasAttached) return { device, kind: 'detached', fresh: false };
    return undefined;
  }

  /** The device now has a stream on this node: forget where it was. */
  forget(appKey: string, userId: string, deviceId: string): void {
    const key = RemoteDevices.key(appKey, userId);
    const devices = this.#byUser.get(key);
    const device = devices?.get(deviceId);
    if (!devices || !device) return;
    devices.delete(deviceId);
    this.#count(device.location.nodeId, -1);
    if (devices.size === 0) this.#byUser.delete(key);
  }

  /** The full list of a node's devices: returns the changes against what was known of it. */
  replaceNode(nodeId: string, locations: readonly DeviceLocation[]): RemoteChange[] {
    const changes: RemoteChange[] = [];
    const listed = new Set(locations.map((l) => `${RemoteDevices.key(l.appKey, l.userId)}\u0000${l.deviceId}`));
    for (const [key, devices] of this.#byUser) {
      for (const [deviceId, device] of devices) {
        if (device.location.nodeId !== nodeId || listed.has(`${key}\u0000${deviceId}`)) continue;
        devices.delete(deviceId);
        this.#count(nodeId, -1);
        changes.push({ device, kind: 'gone', fresh: false });
      }
      if (devices.size === 0) this.#byUser.delete(key);
    }
    for (const location of locations) {
      const change = this.apply(location, false, false);
      if (change) changes.push(change);
    }
    return changes;
  }

  /** A node died: its devices are gone (they reconnect to another node). */
  dropNode(nodeId: string): RemoteDevice[] {
    const dropped: RemoteDevice[] = [];
    for (const [key, devices] of this.#byUser) {
      for (const [deviceId, device] of devices) {
        if (device.location.nodeId !== nodeId) continue;
        devices.delete(deviceId);
        this.#count(nodeId, -1);
        dropped.push(device);
      }
      if (devices.size === 0) this.#byUser.delete(key);
    }
    return dropped;
  }

  /** Nodes that host at least one known device. */
  nodes(): Set<string> {
    return new Set(this.#countByNode.keys());
  }

  #count(nodeId: string, delta: number): void {
    const count = (this.#countByNode.get(nodeId) ?? 0) + delta;
    if (count > 0) this.#countByNode.set(nodeId, count);
    else this.#countByNode.delete(nodeId);
  }
}
