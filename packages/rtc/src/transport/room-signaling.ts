/**
 * The RTC signaling port: every request a media transport makes to the server (`rtc.join` /
 * `rtc.leave` / `rtc.signal`, and the SFU's `sfu.publish` / `sfu.subscribe` / `sfu.start` /
 * `sfu.trickle`) and the room's `rtc.*` / `sfu.*` events, over IMLib's plugin context. Transports
 * depend on this, never on the context; they send through a `SignalQueue` (ordered, retried while the
 * IM link is down). Replies are checked against the protocol's schemas here and come back typed.
 *
 * Mode selection lives here: the join answer says whether the room runs peer to peer or through the
 * SFU (`RoomJoinResult.mode`), and `ModeSelectingTransport` picks the transport from it.
 */
import type { PluginContext, RequestBody } from '@opencall/imlib';
import {
  type IceCandidate,
  type IceServer,
  RCCallErrorCode,
  RCRTCCode,
  type RtcEvent,
  type RtcJoinResult,
  type RtcPeer,
  type RtcSignal,
  requestThroughPause,
  roomEventProblem,
  type ServerEvent,
  type SfuEvent,
  sdpProblem,
} from '@opencall/protocol';

export interface SignalingResult {
  /** `RCCallErrorCode.SUCCESS` (10000) or the server's / IMLib's error code. */
  code: number;
}

/** How the room carries media: `p2p` (one connection per remote user) or `sfu` (through the server). */
export type RoomMode = NonNullable<RtcJoinResult['mode']>;

export interface RoomJoinResult extends SignalingResult {
  peers: RtcPeer[];
  mode: RoomMode;
}

/** An SDP from the SFU (`sfu.publish`: its answer; `sfu.subscribe`: its offer), present on success. */
export interface SfuDescriptionReply extends SignalingResult {
  sdp?: string | undefined;
}

/** A candidate as carried by `sfu.trickle` (the protocol's type). */
export type { IceCandidate };

/** The room events transports handle. */
export type RoomMediaEvent = RtcEvent | SfuEvent;

export interface RoomSignalingPort {
  selfUserId(): string;
  selfDeviceId(): string;
  /** The current ICE servers (read when a connection is made). */
  iceServers(): IceServer[];
  /** Fresh ICE servers (new TURN credentials) for live connections. Returns an unsubscribe function. */
  onIceServersChange(listener: (iceServers: IceServer[]) => void): () => void;
  join(roomId: string): Promise<RoomJoinResult>;
  leave(roomId: string): Promise<SignalingResult>;
  signal(roomId: string, toUserId: string, signal: RtcSignal): Promise<SignalingResult>;
  /** Our publisher offer; `fresh`: from a new connection (recovery). Replies the SFU's answer. */
  sfuPublish(roomId: string, offerSdp: string, fresh: boolean): Promise<SfuDescriptionReply>;
  /** Replies the SFU's offer for `feedUserId`'s media. */
  sfuSubscribe(roomId: string, feedUserId: string): Promise<SfuDescriptionReply>;
  sfuStart(roomId: string, feedUserId: string, answerSdp: string): Promise<SignalingResult>;
  /** A local candidate of the publisher (`feedUserId` undefined) or of a subscription; `null`: gathering done. */
  sfuTrickle(roomId: string, feedUserId: string | undefined, candidate: IceCandidate | null): Promise<SignalingResult>;
  /** The `rtc.*` and `sfu.*` events of one room, in order. Returns an unsubscribe function. */
  onRoomEvent(roomId: string, listener: (event: RoomMediaEvent) => void): () => void;
}

/** Whether a server event belongs to the media of room `roomId`. */
export function isRoomMediaEvent(event: ServerEvent, roomId: string): event is RoomMediaEvent {
  return (event.type.startsWith('rtc.') || event.type.startsWith('sfu.')) && (event as { roomId?: string }).roomId === roomId;
}

export function createRoomSignaling(context: PluginContext): RoomSignalingPort {
  const describe = async (body: Extract<RequestBody, { t: 'sfu.publish' | 'sfu.subscribe' }>): Promise<SfuDescriptionReply> => {
    const res = await context.request(body);
    if (res.code !== RCCallErrorCode.SUCCESS) return { code: res.code };
    const sdp = res.data?.description.sdp;
    const problem = sdp === undefined ? 'no description' : sdpProblem(sdp);
    if (problem !== undefined) {
      context.logger.warn(`[RCRTC] ${body.t}: the server's answer is unusable: ${problem}`);
      return { code: RCRTCCode.SIGNAL_ERROR };
    }
    return { code: res.code, sdp };
  };
  return {
    selfUserId: () => context.getCurrentId(),
    selfDeviceId: () => context.getDeviceId(),
    iceServers: () => context.getIceServers(),
    onIceServersChange: (listener) => context.onIceServersChange(listener),
    async join(roomId) {
      // A join during a signaling pause (server restart, failover) waits for the link to come back.
      const res = await requestThroughPause(() => context.request({ t: 'rtc.join', roomId }));
      if (res.code !== RCCallErrorCode.SUCCESS) return { code: res.code, peers: [], mode: 'p2p' };
      return { code: res.code, peers: res.data?.peers ?? [], mode: res.data?.mode ?? 'p2p' };
    },
    async leave(roomId) {
      const res = await context.request({ t: 'rtc.leave', roomId });
      return { code: res.code };
    },
    async signal(roomId, toUserId, signal) {
      const res = await context.request({ t: 'rtc.signal', roomId, toUserId, signal });
      return { code: res.code };
    },
    sfuPublish: (roomId, offerSdp, fresh) =>
      describe({ t: 'sfu.publish', roomId, description: { type: 'offer', sdp: offerSdp }, ...(fresh ? { fresh: true } : {}) }),
    sfuSubscribe: (roomId, feedUserId) => describe({ t: 'sfu.subscribe', roomId, feedUserId }),
    async sfuStart(roomId, feedUserId, answerSdp) {
      const res = await context.request({ t: 'sfu.start', roomId, feedUserId, description: { type: 'answer', sdp: answerSdp } });
      return { code: res.code };
    },
    async sfuTrickle(roomId, feedUserId, candidate) {
      const res = await context.request({ t: 'sfu.trickle', roomId, ...(feedUserId === undefined ? {} : { feedUserId }), candidate });
      return { code: res.code };
    },
    onRoomEvent(roomId, listener) {
      return context.onEvent((event) => {
        if (!isRoomMediaEvent(event, roomId)) return;
        // SDP and candidates are checked as the server checks them, before they reach a connection.
        const problem = roomEventProblem(event);
        if (problem === undefined) listener(event);
        else context.logger.warn(`[RCRTC] dropped ${event.type} in room ${roomId}: ${problem}`);
      });
    },
  };
}
