/**
 * Call quality telemetry (client → server): compact batches of `getStats` samples and setup timings,
 * sent over the IM socket every ~10 s and at hang-up (README "Call quality telemetry").
 *
 * Keys are short on purpose (a participant-minute costs a few KB). Sample times are `ago`: ms before
 * `sentAt`, the client's estimate of the server clock when it built the frame (IMLib keeps it from
 * `welcome` and `pong`), so neither client clock skew nor a frame held up in transit (a socket blip)
 * moves them; a batch sent again is rebuilt with fresh values. Every array and string is bounded
 * (`MAX_TELEMETRY_SAMPLES` in version.ts). Only the server parses these: the browser SDK bundles
 * leave this module out.
 */
import * as z from 'zod/mini';
import { CallId, Count, UserId } from './primitives.js';
import { MAX_HANGUP_TELEMETRY_SAMPLES, MAX_TELEMETRY_SAMPLES } from './version.js';

const Metric = (max: number) => z.optional(z.number().check(z.gte(0), z.lte(max)));
const Whole = (max: number) => z.optional(z.number().check(z.int(), z.gte(0), z.lte(max)));

/** Candidate types as RTCIceCandidate names them. */
export const TELEMETRY_CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
/** RTCOutboundRtpStreamStats.qualityLimitationReason values. */
export const TELEMETRY_LIMITATIONS = ['none', 'cpu', 'bandwidth', 'other'] as const;

/** One track's quality at one moment. */
export const TelemetrySample = z.object({
  /** ms before the frame was sent (≤ 1 h). */
  ago: Whole(3_600_000),
  /** Track kind: `a` audio, `v` video. */
  k: z.literal(['a', 'v']),
  /** Direction: `s` sent, `r` received. */
  d: z.literal(['s', 'r']),
  /** The remote user of the link (P2P/mesh) or of the subscription (SFU); '' when not known. */
  p: z.union([UserId, z.literal('')]),
  /** Bitrate, kbps. */
  br: Metric(1_000_000),
  /** Packet loss, %. */
  pl: Metric(100),
  /** Jitter, ms. */
  j: Metric(60_000),
  /** Round-trip time, ms. */
  rtt: Metric(60_000),
  /** Frames per second (video). */
  fps: Metric(1000),
  /** Frame width and height (video). */
  w: Whole(16_384),
  h: Whole(16_384),
  /** Freezes since the track started (inbound video): count and total ms. */
  fc: Whole(1_000_000),
  fm: Whole(86_400_000),
  /** Quality limitation reason (outbound video). */
  ql: z.optional(z.enum(TELEMETRY_LIMITATIONS)),
  /** Local candidate type of the selected candidate pair. */
  ct: z.optional(z.enum(TELEMETRY_CANDIDATE_TYPES)),
});
export type TelemetrySample = z.infer<typeof TelemetrySample>;

/** How this device's setup went (ms); absent = not measured (yet). */
export const TelemetrySetup = z.object({
  /** Invite received → ringing sent (callee), or invite sent → first ringing heard (caller). */
  ring: Whole(600_000),
  /** Accept → first ICE connected. */
  ice: Whole(600_000),
  /** Accept → first decoded remote video frame (or audio, for audio calls). */
  frame: Whole(600_000),
});
export type TelemetrySetup = z.infer<typeof TelemetrySetup>;

const batchFields = {
  setup: z.optional(TelemetrySetup),
  /** Samples this device dropped (buffer over its cap while the socket was down) since its last batch. */
  dropped: Whole(1_000_000),
  /** Server-clock estimate (ms) when the frame was built; samples are dated `sentAt − ago`. */
  sentAt: z.optional(Count),
};

/** `call.telemetry`: one batch of a device's samples for one call. */
export const CallTelemetryRequest = z.object({
  t: z.literal('call.telemetry'),
  rid: Count,
  callId: CallId,
  samples: z.array(TelemetrySample).check(z.maxLength(MAX_TELEMETRY_SAMPLES)),
  ...batchFields,
  /** The device's last batch for this call (sent at hang-up). */
  last: z.optional(z.boolean()),
});
export type CallTelemetryRequest = z.infer<typeof CallTelemetryRequest>;

/**
 * The device's last batch, carried by its `call.hangup` (one request and one answer fewer per call):
 * a `call.telemetry` body without envelope, of at most `MAX_HANGUP_TELEMETRY_SAMPLES` samples.
 */
export const HangupTelemetry = z.object({
  samples: z.array(TelemetrySample).check(z.maxLength(MAX_HANGUP_TELEMETRY_SAMPLES)),
  ...batchFields,
});
export type HangupTelemetry = z.infer<typeof HangupTelemetry>;

export const TELEMETRY_REQUESTS = [CallTelemetryRequest] as const;
