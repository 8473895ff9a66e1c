/**
 * The Web Push provider: sends a notice to every subscription of its user (RFC 8291 `aes128gcm`
 * encryption and the VAPID JWT by the `web-push` package; the request itself here, with the webhooks'
 * SSRF guard and a timeout). A ring push lives as long as the ring (`TTL`), is `Urgency: high`, and takes the call id
 * as `Topic`, so the call's later push replaces it at the push service. A 404 / 410 answer means the
 * subscription is gone: it is deleted. Any other failure fails the notice and the outbox retries it
 * (subscriptions that took it get it again; the same notification tag makes that harmless).
 */

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PushSender, WebPushMessage } from '@opencall/protocol';
import type { Logger } from 'pino';
import webpush from 'web-push';
import type { WebPushStore, WebPushSubscriptionRecord } from '../../ports/index.js';
import { checkTargetUrl, guardedLookup } from '../webhooks/target-guard.js';
import { pushTopicFor } from './web-push-topic.js';

/** What the outbox hands the sender (push-outbox.ts builds it from the stored notice). */
export interface WebPushNotice {
  appKey: string;
  userId: string;
  kind: WebPushMessage['kind'];
  callId: string;
  title: string;
  content: string;
  sender: PushSender;
  mediaType?: number | undefined;
  ringDeadline: number;
  reason?: number | undefined;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** How long a missed-call push may wait for an offline browser (s). */
const HANGUP_TTL_S = 3600;
/** The least TTL of a push that closes a notification (s). */
const CLOSE_MIN_TTL_S = 60;

/** `TTL` of the notice's push in seconds; 0 = do not send (the ring is over). */
export function pushTtlSeconds(notice: Pick<WebPushNotice, 'kind' | 'ringDeadline'>, now: number): number {
  const ringLeftS = Math.ceil((notice.ringDeadline - now) / 1000);
  switch (notice.kind) {
    case 'call':
      return Math.max(0, ringLeftS);
    case 'hangup':
      return HANGUP_TTL_S;
    case 'close':
      return Math.max(CLOSE_MIN_TTL_S, ringLeftS);
  }
}

export class WebPushSender {
  constructor(
    private readonly store: WebPushStore,
    private readonly keys: VapidKeys,
    private readonly subject: string,
    private readonly logger: Logger,
    /** Allow endpoints on private / loopback addresses (tests, stand-ins); else the webhook SSRF guard applies. */
    private readonly allowPrivate = false,
    private readonly timeoutMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  get publicKey(): string {
    return this.keys.publicKey;
  }

  /** Resolves once every subscription of the user took the push or was pruned; rejects when one failed otherwise. */
  async send(notice: WebPushNotice): Promise<void> {
    const ttl = pushTtlSeconds(notice, this.now());
    if (ttl === 0) return; // the ring is over: a late ring push would only confuse
    const subscriptions = await this.store.listForUser(notice.appKey, notice.userId);
    if (subscriptions.length === 0) return;
    const message: WebPushMessage = {
      v: 1,
      kind: notice.kind,
      callId: notice.callId,
      title: notice.title,
      body: notice.content,
      sender: notice.sender,
      ringDeadline: notice.ringDeadline,
      ...(notice.mediaType === undefined ? {} : { mediaType: notice.mediaType }),
      ...(notice.reason === undefined ? {} : { reason: notice.reason }),
    };
    const payload = JSON.stringify(message);
    const results = await Promise.allSettled(subscriptions.map((s) => this.sendOne(s, payload, ttl, pushTopicFor(notice.callId))));
    const failures = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
    );
    if (failures.length > 0)
      throw new Error(`web push failed for ${failures.length} of ${subscriptions.length} subscriptions: ${failures.join('; ')}`);
  }

  private async sendOne(subscription: WebPushSubscriptionRecord, payload: string, ttl: number, topic: string): Promise<void> {
    const details = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      payload,
      {
        TTL: ttl,
        urgency: 'high',
        topic,
        contentEncoding: 'aes128gcm',
        vapidDetails: { subject: this.subject, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
      },
    );
    let status: number;
    try {
      status = await postPush(details.endpoint, details.headers, details.body, this.timeoutMs, this.allowPrivate);
    } catch (error) {
      throw new Error(`push service unreachable (${new URL(subscription.endpoint).host}): ${(error as Error).message}`, { cause: error });
    }
    const { appKey, userId, endpoint } = subscription;
    if (status === 404 || status === 410) {
      await this.store.removeEndpoint(appKey, userId, endpoint);
      this.logger.info({ appKey, userId, deviceId: subscription.deviceId, status }, 'web push subscription gone: removed');
      return;
    }
    if (status < 200 || status >= 300) throw new Error(`push service answered HTTP ${status}`);
    await this.store.markOk(appKey, userId, endpoint, this.now());
  }
}

/**
 * POSTs one push with the webhooks' SSRF guard (target-guard.ts: the address each connection uses
 * must be public unless `allowPrivate`) and a timeout over the whole exchange; resolves with the status.
 */
function postPush(
  endpoint: string,
  headers: Record<string, unknown>,
  body: Buffer | null,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<number> {
  const target = checkTargetUrl(endpoint, allowPrivate);
  const https = target.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const outgoing: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) outgoing[name] = String(value);
  return new Promise<number>((resolve, reject) => {
    const req = send(target, { method: 'POST', headers: outgoing, lookup: guardedLookup(allowPrivate), timeout: timeoutMs }, (res) => {
      res.resume(); // the answer's body is not used
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    const overall = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('close', () => clearTimeout(overall));
    req.end(body ?? undefined);
  });
}

/** The server's VAPID keys: the stored pair, generated and stored on first use (shared by every node). */
export function loadVapidKeys(store: WebPushStore, now: number): Promise<VapidKeys> {
  return store.vapidKeys(() => webpush.generateVAPIDKeys(), now);
}
