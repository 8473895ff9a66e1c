/**
 * Media signaling relayed by the server between the chosen devices of a call's participants: what
 * the server sends (the requests are in rtc-requests.ts). The RTC room id is the call id; only
 * participants who answered (KEEPING) may join it.
 */
import * as z from 'zod/mini';
import { CallId, Count, DeviceId, UserId } from './primitives.js';

/** SDP as produced by RTCPeerConnection. SDP is bounded to 48 KiB and must look like SDP. */
export const SessionDescription = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.optional(z.string().check(z.maxLength(48 * 1024))),
});
export type SessionDescription = z.infer<typeof SessionDescription>;
export const IceCandidate = z.object({
  candidate: z.string().check(z.maxLength(1024)),
  sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
  sdpMLineIndex: z.optional(z.nullable(Count)),
  usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

/**
 * Which RTCPeerConnection between two users a P2P signal belongs to: 0 (or absent) for the first,
 * one more after each `relink`. Signals of an older generation are dropped by the receiver.
 */
const Generation = z.optional(Count);

/** Payload of a relayed signal. */
export const RtcSignal = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('description'), description: SessionDescription, generation: Generation }),
  /** `candidate: null` marks the end of candidates. */
  z.object({ kind: z.literal('candidate'), candidate: z.nullable(IceCandidate), generation: Generation }),
  /**
   * P2P: the sender replaced its RTCPeerConnection to the receiver (ICE restarts did not bring the
   * link back); the receiver replaces its own and waits for the sender's offer of that generation.
   */
  z.object({ kind: z.literal('relink'), generation: Count }),
  /** A published track was muted or unmuted by its owner. */
  z.object({ kind: z.literal('track_state'), trackId: z.string().check(z.maxLength(256)), muted: z.boolean() }),
]);
export type RtcSignal = z.infer<typeof RtcSignal>;

export const RtcPeer = z.object({ userId: UserId, deviceId: DeviceId });
export type RtcPeer = z.infer<typeof RtcPeer>;
/**
 * `res.data` of `rtc.join`: peers already in the room. P2P (`mode` absent or `p2p`): the joiner makes
 * the first offer to each. `sfu`: media goes through the server's SFU (`sfu.*` frames).
 */
export const RtcJoinResult = z.object({ peers: z.array(RtcPeer), mode: z.optional(z.enum(['p2p', 'sfu'])) });
export type RtcJoinResult = z.infer<typeof RtcJoinResult>;

/** Another participant joined the room; expect its offer. */
export const RtcPeerJoinedEvent = z.object({ type: z.literal('rtc.peer_joined'), roomId: CallId, userId: UserId, deviceId: DeviceId });
/** A participant left the room. */
export const RtcPeerLeftEvent = z.object({ type: z.literal('rtc.peer_left'), roomId: CallId, userId: UserId });
/** A signal from another participant. */
export const RtcSignalEvent = z.object({
  type: z.literal('rtc.signal'),
  roomId: CallId,
  fromUserId: UserId,
  fromDeviceId: DeviceId,
  signal: RtcSignal,
});
export type RtcSignalEvent = z.infer<typeof RtcSignalEvent>;

export const RTC_EVENTS = [RtcPeerJoinedEvent, RtcPeerLeftEvent, RtcSignalEvent] as const;
export const RtcEvent = z.discriminatedUnion('type', [...RTC_EVENTS]);
export type RtcEvent = z.infer<typeof RtcEvent>;
