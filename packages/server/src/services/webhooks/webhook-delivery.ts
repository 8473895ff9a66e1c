/**
 * Delivers the two webhook topics of the outbox. Native call events are signed the Standard Webhooks
 * way (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>`, by the `standardwebhooks` library) with a fresh timestamp per attempt, so a
 * receiver's tolerance window holds for retries; the id stays the row's. Room status sync bodies are
 * signed as RongCloud does, with the app's own secret.
 */

import { Webhook } from 'standardwebhooks';
import * as z from 'zod/mini';
import type { AppStore, OutboxRow } from '../../ports/index.js';
import { type OutboxHandler, PermanentDeliveryError } from '../outbox/outbox-handler.js';
import { roomSyncHeaders } from './room-sync-bodies.js';
import { postWebhook } from './webhook-post.js';

export interface TargetOptions {
  url: string;
  timeoutMs: number;
  allowPrivate: boolean;
  now?: () => number;
}

/** A Standard Webhooks signer: `whsec_<base64>` secrets as the standard writes them; any other text is used as raw bytes. */
export function webhookSigner(secret: string): Webhook {
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret));
}

export function callWebhookDelivery(target: TargetOptions, secret: string): OutboxHandler {
  const signer = webhookSigner(secret);
  const now = target.now ?? Date.now;
  return async (row: OutboxRow) => {
    const at = new Date(now());
    const headers = {
      'webhook-id': row.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(row.id, at, row.payload),
      'idempotency-key': row.id,
    };
    await postWebhook({ ...target, headers, body: row.payload });
  };
}

const storedRoomSync = z.object({ appKey: z.string(), body: z.looseObject({ roomId: z.string(), event: z.number() }) });

export function roomSyncDelivery(target: TargetOptions, apps: Pick<AppStore, 'get'>): OutboxHandler {
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
    const headers: Record<string, string> = { ...roomSyncHeaders(app.appKey, app.appSecret, now()), 'x-opencall-id': row.id };
    await postWebhook({ ...target, headers, body: JSON.stringify(parsed.data.body) });
  };
}
