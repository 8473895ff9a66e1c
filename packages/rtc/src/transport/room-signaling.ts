/**
 * The RTC signaling port: `rtc.join` / `rtc.leave` / `rtc.signal` requests and the room's
 * `rtc.*` events, over IMLib's plugin context. Transports depend on this, not on the context.
 */
import type { PluginContext } from '@opencall/imlib';
import {
  type IceServer,
  RCCallErrorCode,
  type RtcEvent,
  RtcJoinResult,
  type RtcPeer,
  type RtcSignal,
  requestThroughPause,
} from '@opencall/protocol';

export interface SignalingResult {
  /** `RCCallErrorCode.SUCCESS` (10000) or the server's / IMLib's error code. */
  code: number;
}

export interface RoomSignalingPort {
  selfUserId(): string;
  selfDeviceId(): string;
  /** The current ICE servers (read when a connection is made). */
  iceServers(): IceServer[];
  /** Fresh ICE servers (new TURN credentials) for live connections. Returns an unsubscribe function. */
  onIceServersChange(listener: (iceServers: IceServer[]) => void): () => void;
  join(roomId: string): Promise<SignalingResult & { peers: RtcPeer[] }>;
  leave(roomId: string): Promise<SignalingResult>;
  signal(roomId: string, toUserId: string, signal: RtcSignal): Promise<SignalingResult>;
  /** The `rtc.*` events of one room. Returns an unsubscribe function. */
  onRoomEvent(roomId: string, listener: (event: RtcEvent) => void): () => void;
}

const RTC_EVENT_TYPES = new Set(['rtc.peer_joined', 'rtc.peer_left', 'rtc.signal']);

export function createRoomSignaling(context: PluginContext): RoomSignalingPort {
  return {
    selfUserId: () => context.getCurrentId(),
    selfDeviceId: () => context.getDeviceId(),
    iceServers: () => context.getIceServers(),
    onIceServersChange: (listener) => context.onIceServersChange(listener),
    async join(roomId) {
      // A join during a signaling pause (server restart, failover) waits for the link to come back.
      const res = await requestThroughPause(context, { t: 'rtc.join', roomId });
      if (res.code !== RCCallErrorCode.SUCCESS) return { code: res.code, peers: [] };
      const parsed = RtcJoinResult.safeParse(res.data ?? { peers: [] });
      return { code: res.code, peers: parsed.success ? parsed.data.peers : [] };
    },
    async leave(roomId) {
      const res = await context.request({ t: 'rtc.leave', roomId });
      return { code: res.code };
    },
    async signal(roomId, toUserId, signal) {
      const res = await context.request({ t: 'rtc.signal', roomId, toUserId, signal });
      return { code: res.code };
    },
    onRoomEvent(roomId, listener) {
      return context.onEvent((event) => {
        if (!RTC_EVENT_TYPES.has(event.type)) return;
        const rtcEvent = event as RtcEvent;
        if (rtcEvent.roomId === roomId) listener(rtcEvent);
      });
    },
  };
}
