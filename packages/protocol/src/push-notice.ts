import type { PushVendorConfig } from './push-config.js';

/** The JSON body the server POSTs to `OPENCALL_PUSH_WEBHOOK_URL` for an invitee with no device connected. */

/**
 * Who the notice is from, as the server knows them: the user record the app backend set with
 * `/user/getToken.json` (`name`, `portraitUri`; '' when never set). Never the profile a client
 * registered with `registerUserInfo`, which is client-supplied and unverified.
 */
export interface PushSender {
  userId: string;
  name: string;
  portraitUri: string;
}

export interface PushNotice {
  /**
   * Stable for this notice across retries and server restarts (also sent as the `Idempotency-Key` and
   * `webhook-id` headers): delivery is at least once, so a receiver drops an id it has seen.
   */
  id: string;
  appKey: string;
  /** The invitee the notice is for. */
  userId: string;
  /** `call` when invited, `hangup` when a call that rang for the user ended unanswered. */
  kind: 'call' | 'hangup';
  /** The call's push title / content (CallLib `pushTitle` / `pushContent`, app text chosen by the caller's client). */
  title: string;
  content: string;
  /** The user who invited them (the caller, or the member who invited them during the call). */
  sender: PushSender;
  /** CallLib's push data: `{mediaType, userIdList, callId}` for calls, `{callId, reason}` for hang-ups. */
  data: Record<string, unknown>;
  /**
   * The per-platform / per-vendor fields of the sender's `IPushConfig` (`iOSConfig`, `androidConfig`,
   * `harmonyOSConfig`, `templateId`, `pushData`, …), as the app set them; absent when none.
   */
  pushConfig?: PushVendorConfig;
}
