/**
 * Every WebSocket frame of the IM connection, defined once: here what the server sends, in
 * client-frames.ts what a client sends (apart, so the browser SDK bundles leave those out).
 *
 * Text frames carrying one JSON object, discriminated by `t`.
 * - The client's first frame is `hello`; the server answers `welcome` or `refused` (then closes).
 * - Requests carry a client-chosen `rid`; the server answers each with one `res` (same `rid`).
 * - Server events are `evt` frames numbered by `seq` per connection; the client acks them with
 *   `ack` (cumulative). Unacked events are kept for the connection until acked.
 * - A frame the server cannot decode is answered with `error` (code from `ErrorCode`), and the
 *   connection stays up.
 */
import * as z from 'zod/mini';
import { CALL_EVENTS } from './call-frames.js';
import { Count, UserId } from './primitives.js';
import { RTC_EVENTS } from './rtc-frames.js';
import { SFU_EVENTS } from './sfu-frames.js';

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
export type IceServer = z.infer<typeof IceServer>;

export const WelcomeFrame = z.object({
  t: z.literal('welcome'),
  v: Count,
  userId: UserId,
  /** Server's id of this connection. */
  connectionId: z.string(),
  /** Id of this device's event stream (give it back in `hello.resume`). */
  streamId: z.string(),
  /** The stream was resumed: `seq` continues and missed events follow. Else a new stream starts at 1. */
  resumed: z.boolean(),
  serverTime: Count,
  heartbeatMs: Count,
  ringTimeoutMs: Count,
  iceServers: z.array(IceServer),
});
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

/**
 * Fresh ICE servers (new TURN credentials) for this connection, sent before the ones from `welcome`
 * (or the previous `ice.servers`) expire. The client uses them for new connections and applies them
 * to live ones. Not an event: no `seq`, no ack (a reconnect's `welcome` carries fresh ones anyway).
 */
export const IceServersFrame = z.object({ t: z.literal('ice.servers'), iceServers: z.array(IceServer) });
export type IceServersFrame = z.infer<typeof IceServersFrame>;

/** Authentication failed; the server closes the socket after it. `code` is an IM `ErrorCode`. */
export const RefusedFrame = z.object({ t: z.literal('refused'), code: Count, message: z.string() });
/** The server is about to close an authenticated connection (token revoked, ban, shutdown). */
export const ByeFrame = z.object({ t: z.literal('bye'), code: Count, message: z.string() });
export const PongFrame = z.object({ t: z.literal('pong'), serverTime: Count });
/** Answer to a request: `code` is SUCCESS (10000 for call/rtc requests) or a catalogued error. */
export const ResponseFrame = z.object({
  t: z.literal('res'),
  rid: Count,
  code: Count,
  message: z.optional(z.string()),
  data: z.optional(z.unknown()),
});
export type ResponseFrame = z.infer<typeof ResponseFrame>;
/** A frame could not be handled. `rid` is set when the bad frame carried one. */
export const ErrorFrame = z.object({
  t: z.literal('error'),
  code: Count,
  message: z.string(),
  rid: z.optional(Count),
});

export const ServerEvent = z.discriminatedUnion('type', [...CALL_EVENTS, ...RTC_EVENTS, ...SFU_EVENTS]);
export type ServerEvent = z.infer<typeof ServerEvent>;
export const EventFrame = z.object({ t: z.literal('evt'), seq: Count, evt: ServerEvent });
export type EventFrame = z.infer<typeof EventFrame>;

/** Every frame the server may send. */
export const ServerFrame = z.discriminatedUnion('t', [
  WelcomeFrame,
  IceServersFrame,
  RefusedFrame,
  ByeFrame,
  PongFrame,
  ResponseFrame,
  ErrorFrame,
  EventFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
