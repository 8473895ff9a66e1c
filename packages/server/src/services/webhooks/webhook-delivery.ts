/**
 * Delivers the two webhook topics of the outbox. Native call events are signed the Standard Webhooks
 * way (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>`, by the `standardwebhooks` library) with a fresh timestamp per attempt, so a
 * receiver's tolerance window holds for retries; the id stays the row's. Room status sync bodies are
 * signed as RongCloud does, with the app's own secret. Each app may have its own URLs (app-callbacks.ts).
 */

import { Webhook } from 'standardwebhooks';
import * as z from 'zod/mini';
import type { AppStore, OutboxRow } from '../../ports/index.js';
import { type OutboxHandler, PermanentDeliveryError } from '../outbox/outbox-handler.js';
import { roomSyncHeaders } from './room-sync-bodies.js';
import { postWebhook } from './webhook-post.js';
import { appKeyOfRow } from './webhook-rows.js';

export interface TargetOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  now?: () => number;
}

/** Where one app's native call events go, and the secret that signs them. */
export interface CallEventTarget {
  url: string;
  secret: string;
}

/** A Standard Webhooks signer: `whsec_<base64>` secrets as the standard writes them; any other text is used as raw bytes. */
export function webhookSigner(secret: string): Webhook {
  // Raw bytes need `format: 'raw'`: without it the library expects base64 text and throws on bytes.
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
}

/**
 * Native call events. The target is resolved per row (the app's own URL, else the env one), so a URL
 * changed in the console applies to the rows still waiting; none → the row is given up.
 */
export function callWebhookDelivery(
  target: TargetOptions,
  resolve: (appKey: string) => Promise<CallEventTarget | undefined>,
): OutboxHandler {
  const now = target.now ?? Date.now;
  return async (row: OutboxRow) => {
    const appKey = appKeyOfRow(row);
    const resolved = await resolve(appKey);
    if (!resolved) throw new PermanentDeliveryError(`no webhook URL for app ${appKey} (neither its own nor OPENCALL_WEBHOOK_URL)`);
    const at = new Date(now());
    const headers = {
      'webhook-id': row.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': webhookSigner(resolved.secret).sign(row.id, at, row.payload),
      'idempotency-key': row.id,
    };
    await postWebhook({ ...target, url: resolved.url, headers, body: row.payload });
  };
}

const storedRoomSync = z.object({ appKey: z.string(), body: z.looseObject({ roomId: z.string(), event: z.number() }) });

/** RTC room status sync to the app's own URL, else `envUrl`; signed with the app's secret. */
export function roomSyncDelivery(target: TargetOptions, apps: Pick<AppStore, 'get'>, envUrl: string | undefined): OutboxHandler {
  const now = target.now ?? Date.now;
  return async (row: OutboxRow) => {
    let parsed: ReturnType<typeof storedRoomSync.safeParse>;
    try {
      parsed = storedRoomSync.safeParse(JSON.parse(row.payload));
    } catch {
      throw new PermanentDeliveryError('room sync payload is not JSON');
    }
    if (!parsed.success) throw new PermanentDeliveryError(`room sync payload does not fit: ${z.prettifyError(parsed.error)}`);
    const app = await apps.get(parsed.data.appKey);
    if (!app) throw new PermanentDeliveryError(`no app ${parsed.data.appKey} to sign the room sync with`);
    const url = app.rtcCallbackUrl ?? envUrl;
    if (!url) throw new PermanentDeliveryError(`no RTC callback URL for app ${app.appKey} (neither its own nor OPENCALL_RTC_CALLBACK_URL)`);
    const headers: Record<string, string> = { ...roomSyncHeaders(app.appKey, app.appSecret, now()), 'x-opencall-id': row.id };
    await postWebhook({ ...target, url, headers, body: JSON.stringify(parsed.data.body) });
  };
}
