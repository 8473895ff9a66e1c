/**
 * OpenCall's signed read API over stored calls (README "Server API", `/call/*.json`): request bodies
 * (forms or JSON, validated like the RongCloud endpoints) and replies. Times are epoch ms, durations ms.
 */
import * as z from 'zod/mini';
import { RCCallEndReason } from './codes/end-reason.js';
import { CallId, UserId } from './primitives.js';
import { intField, type ServerApiOk } from './server-api.js';

/** Largest `pageSize` of `/call/query.json`. */
export const CALL_QUERY_MAX_PAGE_SIZE = 100;
/** Deepest `page` of `/call/query.json`. */
export const CALL_QUERY_MAX_PAGE = 10_000;
/** Longest range of `/call/usage.json`, in days. */
export const CALL_USAGE_MAX_DAYS = 366;

/** Epoch ms (up to year 2286), as a form string or a JSON number. */
const EpochMs = intField(0, 9_999_999_999_999);
/** A duration in ms (up to 30 days). */
const DurationMs = intField(0, 30 * 86_400_000);
/** A known `RCCallEndReason` value. */
const EndReasonField = z.pipe(intField(1, 999), z.enum(RCCallEndReason));
/** A MOS bound 1–5 with up to 3 decimals. */
const MosField = z.pipe(
  z.pipe(
    z.union([z.string().check(z.regex(/^\d(\.\d{1,3})?$/)), z.number()]),
    z.transform((v: string | number) => Number(v)),
  ),
  z.number().check(z.gte(1), z.lte(5)),
);
/** A UTC day `YYYY-MM-DD` (whether it exists is checked by the query). */
const UtcDay = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** `/call/query.json`: every filter optional; `startTime ≤ createdAt < endTime`; page from 1 (default 1, size 20). */
export const CallQueryBody = z.object({
  userId: z.optional(UserId),
  startTime: z.optional(EpochMs),
  endTime: z.optional(EpochMs),
  endReason: z.optional(EndReasonField),
  minDuration: z.optional(DurationMs),
  maxDuration: z.optional(DurationMs),
  minMos: z.optional(MosField),
  maxMos: z.optional(MosField),
  page: z.optional(intField(1, CALL_QUERY_MAX_PAGE)),
  pageSize: z.optional(intField(1, CALL_QUERY_MAX_PAGE_SIZE)),
});
export type CallQueryBody = z.infer<typeof CallQueryBody>;

export const CallInfoBody = z.object({ callId: CallId });
export type CallInfoBody = z.infer<typeof CallInfoBody>;

/** `/call/usage.json`: both days inclusive, UTC. */
export const CallUsageBody = z.object({ startDate: UtcDay, endDate: UtcDay });
export type CallUsageBody = z.infer<typeof CallUsageBody>;

/** One participant of a stored call as the read API answers it. */
export interface CallParticipantView {
  userId: string;
  deviceId: string;
  isCaller: boolean;
  /** 0 if the user never joined. */
  joinedAt: number;
  leftAt: number;
  endReason: number;
  /** `/call/info.json` with telemetry: the device's setup timings (ms) and mean MOS. */
  setup?: { inviteToRingingMs?: number; acceptToIceConnectedMs?: number; acceptToFirstFrameMs?: number };
  mos?: number;
}

/** One stored call as the read API answers it. */
export interface CallView {
  callId: string;
  conversationType: number;
  targetId: string;
  channelId: string;
  callerId: string;
  mediaType: number;
  extra: string;
  createdAt: number;
  /** 0 if the call never connected. */
  beginAt: number;
  endAt: number;
  durationMs: number;
  endReason: number;
  /** Mean MOS of the participants (1–4.5); absent without telemetry. */
  qualityMos?: number;
  participants: CallParticipantView[];
}

export interface CallQueryReply extends ServerApiOk {
  total: number;
  calls: CallView[];
}

export interface CallInfoReply extends ServerApiOk {
  /** With telemetry: `live` (still in flight: `endAt` 0, figures provisional), the media path and whether TURN relayed it. */
  call: CallView & { live?: boolean; mediaPath?: 'p2p' | 'mesh' | 'sfu'; relayed?: boolean };
}

export interface CallUsageReply extends ServerApiOk {
  days: {
    day: string;
    calls: number;
    minutes: { audio1v1: number; video1v1: number; audioGroup: number; videoGroup: number };
    peakConcurrentCalls: number;
  }[];
}
