/**
 * The operator console's JSON API (`/console/api/*`, issue 13): request schemas and the error
 * catalogue. Every error answer is `{ code, message }` with one of {@link ConsoleErrorCode}.
 */
import * as z from 'zod/mini';
import { RCCallEndReason } from './codes/end-reason.js';
import { CallId, GroupId, UserId } from './primitives.js';

/** Console error codes, each with its HTTP status (CONSOLE_ERROR_HTTP_STATUS). */
export enum ConsoleErrorCode {
  /** No session cookie, or it is malformed, forged or expired: log in. */
  UNAUTHENTICATED = 'console.unauthenticated',
  /** The session has expired: log in again. */
  SESSION_EXPIRED = 'console.session_expired',
  /** A mutating request without the session's CSRF token in `x-csrf-token`. */
  CSRF_MISSING = 'console.csrf_missing',
  /** A mutating request whose CSRF token is not the session's. */
  CSRF_INVALID = 'console.csrf_invalid',
  /** Wrong password. */
  BAD_PASSWORD = 'console.bad_password',
  /** Too many failed logins from this address: wait `retryAfterS`. */
  LOGIN_LOCKED = 'console.login_locked',
  /** A parameter is missing or invalid (`message` names it). */
  PARAM_ERROR = 'console.param_error',
  /** No such app, user, group, call or delivery. */
  NOT_FOUND = 'console.not_found',
  /** This server was built without the part that answers (e.g. no call queries). */
  NOT_AVAILABLE = 'console.not_available',
  /** Something failed on the server; the log has the details. */
  INTERNAL = 'console.internal',
}

export const CONSOLE_ERROR_HTTP_STATUS: Readonly<Record<ConsoleErrorCode, number>> = {
  [ConsoleErrorCode.UNAUTHENTICATED]: 401,
  [ConsoleErrorCode.SESSION_EXPIRED]: 401,
  [ConsoleErrorCode.CSRF_MISSING]: 403,
  [ConsoleErrorCode.CSRF_INVALID]: 403,
  [ConsoleErrorCode.BAD_PASSWORD]: 401,
  [ConsoleErrorCode.LOGIN_LOCKED]: 429,
  [ConsoleErrorCode.PARAM_ERROR]: 400,
  [ConsoleErrorCode.NOT_FOUND]: 404,
  [ConsoleErrorCode.NOT_AVAILABLE]: 501,
  [ConsoleErrorCode.INTERNAL]: 500,
};

export interface ConsoleErrorReply {
  code: ConsoleErrorCode;
  message: string;
  retryAfterS?: number;
}

export const ConsoleAppKey = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/));
/** A time in ms since the epoch, from a query string. */
const EpochMs = z.coerce.number().check(z.int(), z.gte(0));
const PositiveInt = (max: number) => z.coerce.number().check(z.int(), z.gte(1), z.lte(max));
const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const END_REASON_CODES = new Set(Object.values(RCCallEndReason).filter((v) => typeof v === 'number'));
/** An RCCallEndReason code, from a query string. */
const EndReasonCode = z.coerce.number().check(z.refine((v) => END_REASON_CODES.has(v), 'is not an RCCallEndReason code'));

export const ConsoleLoginBody = z.object({ password: z.string().check(z.minLength(1), z.maxLength(256)) });
export const ConsoleAppQuery = z.object({ appKey: ConsoleAppKey });
export const ConsoleRangeQuery = z.object({ appKey: ConsoleAppKey, from: EpochMs, to: EpochMs });
export const ConsoleUsageQuery = z.object({ appKey: ConsoleAppKey, fromDay: Day, toDay: Day });
export const ConsoleCallSearchQuery = z.object({
  appKey: ConsoleAppKey,
  userId: z.optional(UserId),
  from: z.optional(EpochMs),
  to: z.optional(EpochMs),
  endReason: z.optional(EndReasonCode),
  minDurationMs: z.optional(EpochMs),
  maxDurationMs: z.optional(EpochMs),
  minMos: z.optional(z.coerce.number().check(z.gte(1), z.lte(4.5))),
  maxMos: z.optional(z.coerce.number().check(z.gte(1), z.lte(4.5))),
  page: z._default(PositiveInt(100_000), 1),
  size: z._default(PositiveInt(200), 20),
});
export const ConsoleCallParams = z.object({ callId: CallId });
export const ConsoleUserQuery = z.object({ appKey: ConsoleAppKey, userId: UserId });
export const ConsoleGroupQuery = z.object({ appKey: ConsoleAppKey, groupId: GroupId });
export const ConsoleBanBody = z.object({
  appKey: ConsoleAppKey,
  userId: UserId,
  minutes: z.number().check(z.int(), z.gte(1), z.lte(43_200)),
});
export const ConsoleUserBody = z.object({ appKey: ConsoleAppKey, userId: UserId });
export const ConsoleKickBody = z.object({ appKey: ConsoleAppKey, callId: CallId, userId: UserId });
export const ConsoleEndCallBody = z.object({ appKey: ConsoleAppKey, callId: CallId });
export const ConsoleCreateAppBody = z.object({ name: z.string().check(z.minLength(1), z.maxLength(64)) });
export const ConsoleRotateBody = z.object({ appKey: ConsoleAppKey, graceMinutes: z.number().check(z.int(), z.gte(0), z.lte(10_080)) });
export const ConsoleServicesBody = z.object({ appKey: ConsoleAppKey, audio: z.optional(z.boolean()), video: z.optional(z.boolean()) });
export const ConsoleDisableBody = z.object({ appKey: ConsoleAppKey, disabled: z.boolean() });
/** An http(s) URL up to 2048 characters, or null to clear. */
const CallbackUrl = z.nullable(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048)));
export const ConsoleCallbacksBody = z.object({
  appKey: ConsoleAppKey,
  webhookUrl: z.optional(CallbackUrl),
  rtcCallbackUrl: z.optional(CallbackUrl),
});
export const ConsoleDeliveriesQuery = z.object({
  appKey: z.optional(ConsoleAppKey),
  status: z.optional(z.enum(['pending', 'failed'])),
  page: z._default(PositiveInt(100_000), 1),
  size: z._default(PositiveInt(200), 20),
});
export const ConsoleReplayBody = z.object({ id: z.string().check(z.minLength(1), z.maxLength(512)) });
