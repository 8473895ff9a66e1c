/**
 * The console's view of webhook deliveries (ports/insights.ts `WebhookDeliveries`): the outbox rows of
 * the two webhook topics that are still there (pending, or failed = given up; delivered rows are
 * deleted), per app and paged, and replay (due now, attempts reset). Replaying nudges the worker.
 */

import type { OutboxRow, OutboxStore } from '../../ports/index.js';
import type { DeliveryView, WebhookDeliveries } from '../../ports/insights.js';
import { CALL_WEBHOOK_TOPIC, ROOM_SYNC_TOPIC } from './webhook-rows.js';

const TOPICS = [CALL_WEBHOOK_TOPIC, ROOM_SYNC_TOPIC] as const;
/** Largest page. */
export const MAX_DELIVERIES_PAGE = 200;

export class DeliveriesQueryError extends Error {
  override readonly name = 'DeliveriesQueryError';
  readonly code = 'invalid_page';
}

/** The order-key prefixes of one app's rows (webhook-rows.ts: `<topic>:<appKey>:<callId|roomId>`). */
function prefixesOf(appKey: string): string[] {
  const key = encodeURIComponent(appKey);
  return [`webhook:${key}:`, `rtc_sync:${key}:`];
}

function decodePart(orderKey: string, index: number): string {
  const part = orderKey.split(':')[index] ?? '';
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The event name stored in the row's payload: `call.ended`, or `rtc.room.<event>` for room sync. */
function eventOf(row: OutboxRow): string {
  try {
    const payload = JSON.parse(row.payload) as { type?: unknown; body?: { event?: unknown } };
    if (row.topic === CALL_WEBHOOK_TOPIC && typeof payload.type === 'string') return payload.type;
    if (row.topic === ROOM_SYNC_TOPIC && typeof payload.body?.event === 'number') return `rtc.room.${payload.body.event}`;
  } catch {
    // A payload the worker will refuse too: shown as unknown.
  }
  return 'unknown';
}

export function toDeliveryView(row: OutboxRow): DeliveryView {
  const delivery: DeliveryView = {
    id: row.id,
    topic: row.topic,
    appKey: decodePart(row.orderKey, 1),
    event: eventOf(row),
    callId: decodePart(row.orderKey, 2),
    status: row.failedAt === undefined ? 'pending' : 'failed',
    attempts: row.attempts,
    createdAt: row.createdAt,
    dueAt: row.dueAt,
  };
  if (row.lastError !== undefined) delivery.lastError = row.lastError;
  if (row.failedAt !== undefined) delivery.failedAt = row.failedAt;
  return delivery;
}

export function createWebhookDeliveries(
  outbox: OutboxStore,
  options: { worker?: { nudge(): void } | undefined; now?: () => number } = {},
): WebhookDeliveries {
  const now = options.now ?? Date.now;
  return {
    async list({ appKey, status, page, size }) {
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > MAX_DELIVERIES_PAGE) {
        throw new DeliveriesQueryError(`page must be an integer ≥ 1 and size an integer in [1, ${MAX_DELIVERIES_PAGE}]`);
      }
      const { total, rows } = await outbox.list({
        topics: TOPICS,
        ...(appKey !== undefined ? { orderKeyPrefixes: prefixesOf(appKey) } : {}),
        ...(status !== undefined ? { status } : {}),
        offset: (page - 1) * size,
        limit: size,
      });
      return { total, rows: rows.map(toDeliveryView) };
    },

    async replay(id) {
      const row = await outbox.get(id);
      if (!row || !(TOPICS as readonly string[]).includes(row.topic)) return false;
      const replayed = await outbox.replay(id, now());
      if (replayed) options.worker?.nudge();
      return replayed;
    },
  };
}
