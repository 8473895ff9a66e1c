/**
 * Test double of the server's RTC room relay, with one fake `PluginContext` per user. Mirrors the
 * server's rules: `rtc.join` answers the peers already in the room and tells them
 * `rtc.peer_joined`; `rtc.signal` reaches the target's joined device; `rtc.leave` tells the
 * others `rtc.peer_left`. Events are delivered asynchronously, in order. No I/O.
 *
 * `mode: 'sfu'` answers `rtc.join` with `{mode:'sfu'}` and plays the SFU (see `MemorySfu`). A
 * context's `linkDown` makes its requests fail as IMLib's do while the IM link is down
 * (`RC_NET_CHANNEL_INVALID`, nothing reaches the server).
 */
import type { PluginContext, RequestBody, RequestResult } from '@opencall/imlib';
import {
  checkReply,
  ErrorCode,
  RCCallErrorCode,
  RCConnectionStatus,
  type RtcPeer,
  type ServerEvent,
  type UncheckedReply,
} from '@opencall/protocol';
import { MemorySfu } from './memory-sfu.js';

export interface Member {
  userId: string;
  deviceId: string;
  deliver(event: ServerEvent): void;
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class MemoryRtcRelay {
  readonly #rooms = new Map<string, Map<string, Member>>();
  /** Every request that reached the relay, for assertions. */
  readonly requests: Array<{ userId: string; body: RequestBody }> = [];
  /** Every request refused because its sender's link was down. */
  readonly refused: Array<{ userId: string; body: RequestBody }> = [];

  /** The SFU of `mode: 'sfu'`. */
  readonly sfu: MemorySfu | undefined;

  /** `lateJoinEventsMs`: deliver `rtc.peer_joined` this much later, so signals overtake it. */
  constructor(private readonly options: { lateJoinEventsMs?: number; mode?: 'p2p' | 'sfu' } = {}) {
    this.sfu = options.mode === 'sfu' ? new MemorySfu((roomId) => [...(this.#rooms.get(roomId)?.values() ?? [])]) : undefined;
  }

  /** A plugin context for `userId`; `status` can be flipped by tests, `linkDown` fails its requests. */
  createContext(userId: string, deviceId = `${userId}-device`): PluginContext & { status: RCConnectionStatus; linkDown: boolean } {
    const listeners = new Set<(event: ServerEvent) => void>();
    let queue = Promise.resolve();
    const member: Member = {
      userId,
      deviceId,
      deliver: (event) => {
        queue = queue
          .then(() => new Promise((resolve) => setTimeout(resolve, 0)))
          .then(() => {
            for (const l of [...listeners]) l(event);
          });
      },
    };
    const context = {
      status: RCConnectionStatus.CONNECTED,
      linkDown: false,
      getCurrentId: () => userId,
      getDeviceId: () => deviceId,
      getServerTime: () => Date.now(),
      getIceServers: () => [],
      getRingTimeoutMs: () => 60_000,
      getCurrentServer: () => undefined,
      getConnectionStatus: () => context.status,
      request: async <B extends RequestBody>(body: B): Promise<RequestResult<B['t']>> => {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (context.linkDown) {
          this.refused.push({ userId, body });
          return { code: ErrorCode.RC_NET_CHANNEL_INVALID };
        }
        this.requests.push({ userId, body });
        // Checked against the protocol's reply map, as IMLib checks what the server answers.
        return checkReply(body.t, this.#handle(member, body)).reply;
      },
      onEvent: (listener: (event: ServerEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onStatusChange: () => () => undefined,
      onStreamReset: () => () => undefined,
      onIceServersChange: () => () => undefined,
      logger: silentLogger,
    };
    return context;
  }

  #handle(member: Member, body: RequestBody): UncheckedReply {
    const ok = (data?: unknown): UncheckedReply => ({ code: RCCallErrorCode.SUCCESS, data });
    switch (body.t) {
      case 'rtc.join': {
        const room = this.#rooms.get(body.roomId) ?? new Map<string, Member>();
        this.#rooms.set(body.roomId, room);
        const peers: RtcPeer[] = [...room.values()]
          .filter((m) => m.userId !== member.userId)
          .map((m) => ({ userId: m.userId, deviceId: m.deviceId }));
        for (const other of room.values()) {
          if (other.userId === member.userId) continue;
          const event: ServerEvent = { type: 'rtc.peer_joined', roomId: body.roomId, userId: member.userId, deviceId: member.deviceId };
          const late = this.options.lateJoinEventsMs;
          if (late === undefined) other.deliver(event);
          else setTimeout(() => other.deliver(event), late);
        }
        room.set(member.userId, member);
        if (this.sfu) this.sfu.joined(body.roomId, member);
        return ok({ peers, ...(this.sfu ? { mode: 'sfu' } : {}) });
      }
      case 'rtc.leave': {
        const room = this.#rooms.get(body.roomId);
        if (!room?.delete(member.userId)) return ok();
        this.sfu?.left(body.roomId, member);
        for (const other of room.values()) other.deliver({ type: 'rtc.peer_left', roomId: body.roomId, userId: member.userId });
        return ok();
      }
      case 'rtc.signal': {
        const room = this.#rooms.get(body.roomId);
        const target = room?.get(body.toUserId);
        if (!room?.has(member.userId) || !target) return { code: RCCallErrorCode.NOT_IN_CALL };
        target.deliver({
          type: 'rtc.signal',
          roomId: body.roomId,
          fromUserId: member.userId,
          fromDeviceId: member.deviceId,
          signal: body.signal,
        });
        return ok();
      }
      case 'sfu.publish':
      case 'sfu.subscribe':
      case 'sfu.start':
      case 'sfu.trickle':
        if (!this.sfu || !this.#rooms.get(body.roomId)?.has(member.userId)) return { code: RCCallErrorCode.NOT_IN_CALL };
        return this.sfu.handle(member, body);
      default:
        return { code: RCCallErrorCode.INVALID_CALL_STATE };
    }
  }
}

/** Polls `predicate` every 5 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
