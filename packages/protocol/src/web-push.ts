/**
 * Web Push (ringing a closed tab): the HTTP bodies the SDK and its service worker send, the message a
 * push carries to the service worker, and the error codes of the `/webpush/*` endpoints.
 *
 * Endpoints (all JSON; see README "Web Push"):
 * - `GET  /webpush/vapid-public-key` → `{ publicKey }` (the server's VAPID key, base64url).
 * - `POST /webpush/subscriptions` (`Authorization: Bearer <IM token>`, {@link WebPushSubscribeBody})
 *   → `{ declineToken }`, the capability the device's service worker declines calls with.
 * - `DELETE /webpush/subscriptions` (`Authorization: Bearer <IM token>`, {@link WebPushUnsubscribeBody}).
 * - `POST /webpush/decline` (`Authorization: Bearer <decline token>`, {@link WebPushDeclineBody}).
 */
import * as z from 'zod/mini';
import { CallId, DeviceId, ShortText, UserId } from './primitives.js';

/** base64url without padding, as `PushSubscription.toJSON()` gives the keys. */
const Base64Url = z.string().check(z.minLength(1), z.maxLength(256), z.regex(/^[A-Za-z0-9_-]+=*$/));

/** A browser's `PushSubscription.toJSON()`, as far as the server needs it. */
export const PushSubscriptionJson = z.object({
  endpoint: z.string().check(z.minLength(1), z.maxLength(2048), z.url()),
  keys: z.object({ p256dh: Base64Url, auth: Base64Url }),
});
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>;

export const WebPushSubscribeBody = z.object({ deviceId: DeviceId, subscription: PushSubscriptionJson });
export type WebPushSubscribeBody = z.infer<typeof WebPushSubscribeBody>;

export const WebPushUnsubscribeBody = z.object({ deviceId: DeviceId });
export type WebPushUnsubscribeBody = z.infer<typeof WebPushUnsubscribeBody>;

export const WebPushDeclineBody = z.object({ callId: CallId });
export type WebPushDeclineBody = z.infer<typeof WebPushDeclineBody>;

/**
 * What a push tells the service worker: `call` rings (until `ringDeadline`, server ms); `hangup`
 * (it rang in vain: cancelled, missed, declined) replaces that notification with a missed-call one;
 * `close` (answered or declined on another device) replaces it with a quiet one. All three use the
 * call id as notification tag, so each replaces the one before.
 */
export const WebPushMessage = z.object({
  v: z.literal(1),
  kind: z.enum(['call', 'hangup', 'close']),
  callId: CallId,
  title: ShortText,
  body: ShortText,
  sender: z.object({ userId: UserId, name: ShortText, portraitUri: ShortText }),
  /** RCCallMediaType (1 audio, 2 video) for `call`. */
  mediaType: z.optional(z.number()),
  /** When the ring ends (server clock, ms since epoch); a `call` push read later is stale and ignored. */
  ringDeadline: z.number(),
  /** The end reason for `hangup`. */
  reason: z.optional(z.number()),
});
export type WebPushMessage = z.infer<typeof WebPushMessage>;

/** The `code` of a `/webpush/*` error answer (`{ code, message }`), one line of meaning each. */
export const WebPushErrorCode = {
  /** Web Push is not configured on this server (`OPENCALL_WEB_PUSH_SUBJECT` unset): 404. */
  DISABLED: 46001,
  /** No, or a bad, IM token / decline token: 401. */
  UNAUTHORIZED: 46002,
  /** The body does not fit the endpoint's schema: 400. */
  BAD_REQUEST: 46003,
  /** The push endpoint is not `https:`, carries credentials or names a private address (unless allowed): 400. */
  INSECURE_ENDPOINT: 46004,
  /** The call does not ring this token's user (ended, answered, never invited): 404. */
  NOT_RINGING: 46005,
  /** Too many declines with this token: 429. */
  RATE_LIMITED: 46006,
} as const;
export type WebPushErrorCode = (typeof WebPushErrorCode)[keyof typeof WebPushErrorCode];
