/**
 * Push notices through the outbox. The call service stores what it knows when the call changes (ids,
 * texts, CallLib's push data); the sender's name and portrait are read from the user store when the
 * notice is sent, so writing a row needs no lookup and stays inside the journal's tick.
 *
 * A notice's id names the invitation it is about (`push:<appKey>:<callId>:<userId>:<kind>:<invite>`,
 * each part URI-encoded; `invite` is the invitation's ring deadline, the same on every node that
 * carries the call), so two nodes writing one notice store it once. The notices of one user about one
 * call are delivered in the order they were written (a hang-up never before its invite); notices
 * about other calls do not wait for them.
 */
import { randomUUID } from 'node:crypto';
import { PushVendorConfig } from '@opencall/protocol';
import type { Logger } from 'pino';
import * as z from 'zod/mini';
import type { ServerConfig } from '../../config.js';
import type { NewOutboxRow, Storage, UserStore } from '../../ports/index.js';
import { type OutboxHandler, PermanentDeliveryError } from '../outbox/outbox-handler.js';
import { OutboxWorker } from '../outbox/outbox-worker.js';
import { type PushProvider, WebhookPushProvider } from './push-provider.js';
import type { WebPushSender } from './web-push-sender.js';

export const PUSH_TOPIC = 'push';
/** The webhook's own timeout; a claim outlasts it with room for the sender lookup. */
const WEBHOOK_TIMEOUT_MS = 5000;
const PUSH_LEASE_MS = 2 * WEBHOOK_TIMEOUT_MS;

/** A push notice as the outbox keeps it: the sender by id only. */
const storedPushSchema = z.object({
  appKey: z.string(),
  userId: z.string(),
  /** `close`: a Web Push only notice that the ring ended for this user elsewhere (answered, declined). */
  kind: z.enum(['call', 'hangup', 'close']),
  title: z.string(),
  content: z.string(),
  /** The user who invited them, named from the user store when the notice is sent. */
  inviterId: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** The sender's per-vendor push fields, passed on to the provider as they are. */
  pushConfig: z.optional(PushVendorConfig),
  /** The invitation's ring deadline (ms); absent in rows written before Web Push. */
  ringDeadline: z.optional(z.number()),
});

export type StoredPushNotice = z.infer<typeof storedPushSchema>;

/**
 * The outbox row of a notice about the invitation of `notice.userId` to `callId` that rings until
 * `ringDeadline` (which tells that invitation from a later one of the same user to the same call).
 */
export function pushOutboxRow(notice: StoredPushNotice, callId: string, ringDeadline: number, now: number): NewOutboxRow {
  const part = encodeURIComponent;
  return {
    id: `push:${part(notice.appKey)}:${part(callId)}:${part(notice.userId)}:${notice.kind}:${ringDeadline}`,
    topic: PUSH_TOPIC,
    orderKey: `push:${part(notice.appKey)}:${part(callId)}:${part(notice.userId)}`,
    payload: JSON.stringify({ ...notice, ringDeadline }),
    createdAt: now,
    dueAt: now,
  };
}

/**
 * Delivers `push` rows through the webhook `provider` and the Web Push `webPush` sender (each when
 * configured), naming the sender from the user store at that moment. `close` notices go to Web Push only.
 */
export function pushDelivery(provider: PushProvider | undefined, users: Pick<UserStore, 'get'>, webPush?: WebPushSender): OutboxHandler {
  return async (row) => {
    let parsed: ReturnType<typeof storedPushSchema.safeParse>;
    try {
      parsed = storedPushSchema.safeParse(JSON.parse(row.payload));
    } catch {
      throw new PermanentDeliveryError('push payload is not JSON');
    }
    if (!parsed.success) throw new PermanentDeliveryError(`push payload does not fit: ${z.prettifyError(parsed.error)}`);
    const { inviterId, ringDeadline, kind, ...notice } = parsed.data;
    if (kind === 'close' && !webPush) return;
    const record = await users.get(notice.appKey, inviterId);
    const sender = { userId: inviterId, name: record?.name ?? '', portraitUri: record?.portraitUri ?? '' };
    const sends: Promise<void>[] = [];
    if (provider && kind !== 'close') sends.push(provider.send({ id: row.id, ...notice, kind, sender }));
    const callId = typeof notice.data.callId === 'string' ? notice.data.callId : undefined;
    if (webPush && callId !== undefined && ringDeadline !== undefined) {
      const { mediaType, reason } = notice.data;
      sends.push(
        webPush.send({
          appKey: notice.appKey,
          userId: notice.userId,
          kind,
          callId,
          title: notice.title,
          content: notice.content,
          sender,
          ringDeadline,
          mediaType: typeof mediaType === 'number' ? mediaType : undefined,
          reason: typeof reason === 'number' ? reason : undefined,
        }),
      );
    }
    const failed = (await Promise.allSettled(sends)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
}

/**
 * The worker that sends push notices when a push webhook or Web Push is configured (else undefined:
 * the call service then writes none). Not started.
 */
export function createPushOutbox(
  config: Pick<ServerConfig, 'pushWebhookUrl' | 'outboxMaxAttempts'>,
  storage: Storage,
  logger: Logger,
  nodeId: string = `node-${randomUUID()}`,
  webPush?: WebPushSender,
): OutboxWorker | undefined {
  if (!config.pushWebhookUrl && !webPush) return undefined;
  const provider = config.pushWebhookUrl ? new WebhookPushProvider(config.pushWebhookUrl, WEBHOOK_TIMEOUT_MS) : undefined;
  return new OutboxWorker({
    store: storage.outbox,
    nodeId,
    handlers: { [PUSH_TOPIC]: pushDelivery(provider, storage.users, webPush) },
    logger,
    maxAttempts: config.outboxMaxAttempts,
    leaseMs: PUSH_LEASE_MS,
  });
}
