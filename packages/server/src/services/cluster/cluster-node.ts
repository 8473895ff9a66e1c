/**
 * Cluster mode on one node: what arrives on the node bus goes to the right service, this node's
 * device streams are announced to the others (and theirs learnt), dead nodes' devices are dropped,
 * and orphaned calls are taken over.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallLeases, DeviceLocation, NodeBus, NodeMessage } from '../../ports/index.js';
import type { CallService } from '../call/call-service.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { DeviceStream, HandedStream } from '../im/device-stream.js';
import { RemoteDevices } from '../im/remote-devices.js';
import type { CallTakeover } from './call-takeover.js';
import type { IntentRouter } from './intent-router.js';

/** How often nodes that went away are looked for. */
const DEAD_NODE_CHECK_MS = 500;
/** How long a stream hand-over may take before the device gets a fresh stream (and resyncs). */
const HANDOVER_TIMEOUT_MS = 1000;
/** After a stream moved away, events still addressed here are forwarded to its new node this long. */
const FORWARD_MOVED_MS = 10_000;

export interface ClusterNodeDeps {
  bus: NodeBus & {
    aliveNodes(): string[];
    recentlySeen(nodeId: string): boolean;
    confirmAlive(nodeId: string): Promise<boolean>;
    onNodeJoined(listener: (nodeId: string) => void): void;
  };
  leases: CallLeases;
  registry: ConnectionRegistry;
  calls: CallService;
  router: IntentRouter;
  takeover: CallTakeover;
  logger: Logger;
  /** Another node changed an app (services/apps/app-changes.ts). */
  onAppChanged?: (change: { appKey: string; disabled?: boolean }) => void;
}

function locationOf(stream: DeviceStream, nodeId: string): DeviceLocation {
  return {
    appKey: stream.appKey,
    userId: stream.userId,
    deviceId: stream.deviceId,
    nodeId,
    attached: stream.attached,
    tokenIssuedAt: stream.tokenIssuedAt,
  };
}

export class ClusterNode {
  readonly remote: RemoteDevices;
  #timer: NodeJS.Timeout | undefined;
  /** Hand-overs this node asked for, by request id. */
  readonly #claims = new Map<string, (stream: HandedStream | undefined) => void>();
  /** Devices whose stream moved from this node to another: appKey\0userId\0deviceId → node, until. */
  readonly #moved = new Map<string, { nodeId: string; until: number }>();

  constructor(private readonly deps: ClusterNodeDeps) {
    this.remote = new RemoteDevices(deps.bus);
  }

  start(): void {
    const { bus, registry, takeover } = this.deps;
    registry.useRemote(this.remote, (stream, change, fresh) =>
      bus.broadcast({ t: 'presence', location: locationOf(stream, bus.nodeId), gone: change === 'gone', fresh }),
    );
    bus.onMessage((message, from) => this.handle(message, from));
    // A node this one had not seen yet gets this node's devices at once (it may have missed their presence).
    bus.onNodeJoined((nodeId) => bus.send(nodeId, { t: 'presence_all', locations: this.localLocations() }));
    this.syncPresence();
    takeover.start();
    this.#timer = setInterval(() => void this.dropDeadNodes(), DEAD_NODE_CHECK_MS);
    this.#timer.unref();
  }

  /** Ask every node for its devices (after start, and when Redis comes back: messages may have been lost). */
  syncPresence(): void {
    this.deps.bus.broadcast({ t: 'presence_sync' });
  }

  /**
   * A device asks to resume a stream this node does not hold: if another live node holds it, that
   * node hands it over (the events the device has not seen); else undefined (a fresh stream).
   */
  async claimStream(
    identity: { appKey: string; userId: string; deviceId: string },
    resume: { streamId: string; lastSeq: number },
  ): Promise<HandedStream | undefined> {
    const { bus } = this.deps;
    const holder = this.remote.of(identity.appKey, identity.userId).find((d) => d.deviceId === identity.deviceId)?.location.nodeId;
    if (!holder || holder === bus.nodeId) return undefined;
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#claims.delete(id);
        resolve(undefined);
      }, HANDOVER_TIMEOUT_MS);
      timer.unref();
      this.#claims.set(id, (stream) => {
        clearTimeout(timer);
        resolve(stream);
      });
      bus.send(holder, { t: 'stream_claim', id, ...identity, streamId: resume.streamId, lastSeq: resume.lastSeq });
    });
  }

  private localLocations(): DeviceLocation[] {
    return this.deps.registry.localStreams().map((stream) => locationOf(stream, this.deps.bus.nodeId));
  }

  stop(): void {
    clearInterval(this.#timer);
    this.deps.takeover.stop();
  }

  private handle(message: NodeMessage, from: string): void {
    const { registry, calls, router, bus } = this.deps;
    switch (message.t) {
      case 'deliver': {
        let delivered = false;
        for (const stream of registry.localStreamsOf(message.appKey, message.userId)) {
          if (message.deviceId === undefined || stream.deviceId === message.deviceId) {
            stream.sendEvent(message.event);
            delivered = true;
          }
        }
        // Sent before its owner learnt the device moved: after the handed-over events, in order.
        const moved =
          message.deviceId === undefined ? undefined : this.#moved.get(deviceKey(message.appKey, message.userId, message.deviceId));
        if (!delivered && moved && moved.until > Date.now()) bus.send(moved.nodeId, message);
        return;
      }
      case 'stream_claim': {
        const stream = registry.handOff(message.appKey, message.userId, message.deviceId, message.streamId, message.lastSeq);
        if (stream) {
          const now = Date.now();
          this.#moved.set(deviceKey(message.appKey, message.userId, message.deviceId), { nodeId: from, until: now + FORWARD_MOVED_MS });
          for (const [key, entry] of this.#moved) if (entry.until <= now) this.#moved.delete(key);
        }
        bus.send(from, { t: 'stream_handed', id: message.id, ...(stream ? { stream } : {}) });
        return;
      }
      case 'stream_handed':
        this.#claims.get(message.id)?.(message.stream);
        this.#claims.delete(message.id);
        return;
      case 'close_devices':
        if (message.before !== undefined) registry.closeRevoked(message.appKey, message.userIds, message.before);
        else registry.closeUsers(message.appKey, message.userIds, message.code, message.message);
        return;
      case 'close_device':
        registry.closeDevice(message.appKey, message.userId, message.deviceId, message.code, message.message);
        return;
      case 'intent':
        void router.executeForwarded(message.id, message.from, message.request, from);
        return;
      case 'reply':
        router.settle(message.id, message.reply);
        return;
      case 'presence':
        if (message.location.nodeId !== bus.nodeId)
          registry.applyRemote(this.remote.apply(message.location, message.gone, message.fresh ?? false));
        return;
      case 'presence_sync':
        bus.send(from, { t: 'presence_all', locations: this.localLocations() });
        return;
      case 'presence_all':
        for (const change of this.remote.replaceNode(from, message.locations)) registry.applyRemote(change);
        return;
      case 'call_command':
        calls.command(message.appKey, message.callId, message.command);
        return;
      case 'users_banned':
        calls.usersBanned(message.appKey, message.userIds);
        return;
      case 'blacklist_added':
        calls.blacklistAdded(message.appKey, message.ownerId, message.blockedIds);
        return;
      case 'rtc_kick':
        calls.rooms.kick(message.appKey, message.roomId, message.userIds);
        return;
      case 'rtc_destroy':
        calls.rooms.destroy(message.appKey, message.roomId);
        return;
      case 'app_changed':
        this.deps.onAppChanged?.(
          message.disabled === undefined ? { appKey: message.appKey } : { appKey: message.appKey, disabled: message.disabled },
        );
        return;
      default: {
        const unreachable: never = message;
        this.deps.logger.warn({ message: unreachable }, 'cluster: unknown message');
      }
    }
  }

  /** Devices of nodes that died: as if their sockets closed (their calls' owners start the grace). */
  private async dropDeadNodes(): Promise<void> {
    const { bus, registry, logger } = this.deps;
    const alive = new Set(bus.aliveNodes());
    for (const nodeId of this.remote.nodes()) {
      if (alive.has(nodeId) || bus.recentlySeen(nodeId)) continue;
      // Not in the cached list (which may lag): ask Redis before dropping anything.
      if (await bus.confirmAlive(nodeId).catch(() => true)) continue;
      const gone = this.remote.dropNode(nodeId);
      if (gone.length > 0) logger.warn({ nodeId, devices: gone.length }, 'cluster: a node is gone');
      registry.remoteDevicesGone(gone.filter((d) => d.attached));
    }
  }
}

function deviceKey(appKey: string, userId: string, deviceId: string): string {
  return `${appKey}\u0000${userId}\u0000${deviceId}`;
}
