/**
 * The worker that delivers call webhooks and RTC room status sync from the outbox, when either is
 * configured (else undefined: the call service then writes no webhook rows). Not started.
 *
 * At least once, per call (per room) in order, with a stable id; retried with backoff and ± 20 %
 * jitter, or after the receiver's `Retry-After`; given up (kept as a dead letter) once the next
 * attempt would fall past the horizon (default 24 h after the transition). Rows are claimed with a
 * lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so in a cluster any node delivers what a dead node
 * left, and after a restart the same process picks them up again.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppStore, Storage } from '../../ports/index.js';
import type { OutboxHandler } from '../outbox/outbox-handler.js';
import { OutboxWorker } from '../outbox/outbox-worker.js';
import type { WebhookConfig } from './webhook-config.js';
import { callWebhookDelivery, roomSyncDelivery } from './webhook-delivery.js';
import { CALL_WEBHOOK_TOPIC, ROOM_SYNC_TOPIC } from './webhook-rows.js';

const RETRY_JITTER = 0.2;

/** Which webhook rows the call service writes (env-wide; `forApp`, when set, answers per app). */
export interface WebhookTargets {
  callEvents: boolean;
  roomSync: boolean;
  forApp?: (appKey: string) => WebhookTargets;
}

export function webhookTargets(config: WebhookConfig): WebhookTargets {
  return { callEvents: config.url !== undefined, roomSync: config.rtcCallbackUrl !== undefined };
}

/** Without an env-wide URL only per-app rows exist, each nudging the worker: polling serves retries. */
const PER_APP_ONLY_POLL_MS = 2000;

/**
 * The worker. With `apps` (per-app URLs, services/webhooks/app-callbacks.ts) it always exists; each
 * row's target is the app's own URL, else the env one. Call events sent to an app's own URL are
 * signed (Standard Webhooks) with that app's App Secret; those to the env URL with OPENCALL_WEBHOOK_SECRET.
 */
export function createWebhookOutbox(
  config: WebhookConfig,
  storage: Storage,
  logger: Logger,
  nodeId: string = `node-${randomUUID()}`,
  apps?: Pick<AppStore, 'get'>,
): OutboxWorker | undefined {
  const handlers: Record<string, OutboxHandler> = {};
  const target = { timeoutMs: config.timeoutMs, allowPrivate: config.allowPrivate };
  const envCallTarget = config.url && config.secret ? { url: config.url, secret: config.secret } : undefined;
  if (apps) {
    handlers[CALL_WEBHOOK_TOPIC] = callWebhookDelivery(target, async (appKey) => {
      const app = await apps.get(appKey);
      if (!app?.webhookUrl) return envCallTarget;
      // The app's backend holds its App Secret; the env secret is the operator's and stays with the env URL.
      return { url: app.webhookUrl, secret: app.appSecret };
    });
    handlers[ROOM_SYNC_TOPIC] = roomSyncDelivery(target, apps, config.rtcCallbackUrl);
  } else {
    if (envCallTarget) handlers[CALL_WEBHOOK_TOPIC] = callWebhookDelivery(target, async () => envCallTarget);
    if (config.rtcCallbackUrl) handlers[ROOM_SYNC_TOPIC] = roomSyncDelivery(target, storage.apps, config.rtcCallbackUrl);
  }
  if (Object.keys(handlers).length === 0) return undefined;
  return new OutboxWorker({
    store: storage.outbox,
    nodeId,
    handlers,
    logger,
    // The horizon decides when to give up; attempts are bounded by it.
    maxAttempts: Number.MAX_SAFE_INTEGER,
    giveUpAfterMs: config.giveUpAfterMs,
    retryDelaysMs: config.retryDelaysMs,
    retryJitter: RETRY_JITTER,
    // A claim outlasts the request's own timeout (and the app lookup of a room sync).
    leaseMs: 2 * config.timeoutMs + 1000,
    deliveryTimeoutMs: config.timeoutMs + 500,
    ...(config.url === undefined && config.rtcCallbackUrl === undefined ? { pollMs: PER_APP_ONLY_POLL_MS } : {}),
  });
}
