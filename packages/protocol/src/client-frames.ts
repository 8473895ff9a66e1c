/**
 * Every frame a client sends on the IM connection (what the server sends: frames.ts), and their
 * decoder, which the server runs. The browser SDK bundles leave this module out: a client encodes
 * these frames but never parses them.
 *
 * The client's first frame is `hello`; requests are the `call.*`, `rtc.*`, `sfu.*` and telemetry
 * frames, each with `rid`; `ack` acknowledges server events (cumulative); `ping` is the heartbeat.
 */
import * as z from 'zod/mini';
import { CALL_REQUESTS, type CallRequest } from './call-requests.js';
import { type Decoded, decodeWith } from './codec.js';
import { Count, DeviceId } from './primitives.js';
import { RTC_REQUESTS, type RtcRequest } from './rtc-requests.js';
import { SFU_REQUESTS, type SfuRequest } from './sfu-requests.js';
import { type CallTelemetryRequest, TELEMETRY_REQUESTS } from './telemetry-frames.js';

export const HelloFrame = z.object({
  t: z.literal('hello'),
  /** PROTOCOL_VERSION the client speaks. */
  v: Count,
  appKey: z.string().check(z.minLength(1), z.maxLength(64)),
  token: z.string().check(z.minLength(1), z.maxLength(1024)),
  deviceId: DeviceId,
  platform: z.optional(z.string().check(z.maxLength(16))),
  /** Resume this device's event stream after a drop: events after `lastSeq` are sent again, in order, once. */
  resume: z.optional(z.object({ streamId: z.string().check(z.maxLength(64)), lastSeq: Count })),
});
export type HelloFrame = z.infer<typeof HelloFrame>;

export const PingFrame = z.object({ t: z.literal('ping') });
export const AckFrame = z.object({ t: z.literal('ack'), seq: Count });

/** Every frame a client may send. Requests are the `call.*` and `rtc.*` frames, each with `rid`. */
export const ClientFrame = z.discriminatedUnion('t', [
  HelloFrame,
  PingFrame,
  AckFrame,
  ...CALL_REQUESTS,
  ...RTC_REQUESTS,
  ...SFU_REQUESTS,
  ...TELEMETRY_REQUESTS,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientRequest = CallRequest | RtcRequest | SfuRequest | CallTelemetryRequest;
export type ClientRequestType = ClientRequest['t'];

export const CLIENT_FRAME_TYPES: ReadonlySet<string> = new Set([
  'hello',
  'ping',
  'ack',
  'call.invite',
  'call.ringing',
  'call.accept',
  'call.hangup',
  'call.invite_members',
  'call.modify_media',
  'call.joined_info',
  'call.resync',
  'call.telemetry',
  'rtc.join',
  'rtc.leave',
  'rtc.signal',
  'sfu.publish',
  'sfu.subscribe',
  'sfu.start',
  'sfu.trickle',
]);

/** The exact text clients send as a heartbeat (`encodeFrame({ t: 'ping' })`). */
const PING_TEXT = '{"t":"ping"}';
/** `ack` with exactly `{t, seq}` and seq a valid `Count`: what the schema would accept and return. */
const ACK_TEXT = /^\{"t":"ack","seq":(0|[1-9]\d{0,14})\}$/;

/**
 * Decode a frame sent by a client (server side). Heartbeats and acks, most of the frames on a busy
 * connection, skip the schema when their text is the canonical encoding; the result is the same.
 */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  if (text === PING_TEXT) return { ok: true, value: { t: 'ping' } };
  if (text.length < 40 && text.charCodeAt(6) === 97 /* a */) {
    const ack = ACK_TEXT.exec(text);
    if (ack) return { ok: true, value: { t: 'ack', seq: Number(ack[1]) } };
  }
  return decodeWith(text, ClientFrame, CLIENT_FRAME_TYPES, 't');
}
