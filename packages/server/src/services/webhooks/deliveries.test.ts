import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../adapters/storage/storage-engines.test-support.js';
import type { Storage } from '../../ports/index.js';
import { createWebhookDeliveries, DeliveriesQueryError } from './deliveries.js';
import { CALL_WEBHOOK_TOPIC, callEventRow, roomSyncRow } from './webhook-rows.js';

const T = 1_767_225_600_000;
const LEASE = 10_000;

describeEachEngine('webhooks: deliveries', (engine) => {
  let storage: Storage;
  let nudges: number;

  beforeEach(async () => {
    ({ storage } = await engine.open());
    nudges = 0;
  });

  const deliveries = () => createWebhookDeliveries(storage.outbox, { worker: { nudge: () => nudges++ }, now: () => T + 99_000 });

  async function seed() {
    const ended = callEventRow('app-a', 'call-1', { type: 'call.ended', timestamp: new Date(T).toISOString(), data: {} }, T);
    const sync = roomSyncRow('app-b', { event: 2, roomId: 'room/2', timestamp: T } as never, T + 1);
    const push = { id: 'push-1', topic: 'push', orderKey: 'push:app-a:call-1', payload: '{}', createdAt: T, dueAt: T };
    await storage.outbox.enqueue([ended, sync, push]);
    // The call event fails twice and is given up.
    await storage.outbox.claimDue('n1', T, 10, LEASE, [CALL_WEBHOOK_TOPIC]);
    await storage.outbox.retryLater(ended.id, 'n1', T + 10, 'HTTP 500 from receiver');
    await storage.outbox.claimDue('n1', T + 10, 10, LEASE, [CALL_WEBHOOK_TOPIC]);
    await storage.outbox.giveUp(ended.id, 'n1', 'HTTP 503 from receiver', T + 20);
    return { ended, sync };
  }

  it('lists webhook rows (not pushes) with status, attempts and last error, per app and status, paged', async () => {
    const { ended, sync } = await seed();
    const all = await deliveries().list({ page: 1, size: 10 });
    expect(all.total).toBe(2);
    expect(all.rows).toEqual([
      {
        id: ended.id,
        topic: 'webhook',
        appKey: 'app-a',
        event: 'call.ended',
        callId: 'call-1',
        status: 'failed',
        attempts: 2,
        lastError: 'HTTP 503 from receiver',
        createdAt: T,
        dueAt: T + 10,
        failedAt: T + 20,
      },
      {
        id: sync.id,
        topic: 'rtc_sync',
        appKey: 'app-b',
        event: 'rtc.room.2',
        callId: 'room/2',
        status: 'pending',
        attempts: 0,
        createdAt: T + 1,
        dueAt: T + 1,
      },
    ]);
    expect((await deliveries().list({ appKey: 'app-b', page: 1, size: 10 })).rows.map((r) => r.id)).toEqual([sync.id]);
    expect((await deliveries().list({ status: 'failed', page: 1, size: 10 })).rows.map((r) => r.id)).toEqual([ended.id]);
    expect(await deliveries().list({ appKey: 'app-c', page: 1, size: 10 })).toEqual({ total: 0, rows: [] });
    const page2 = await deliveries().list({ page: 2, size: 1 });
    expect(page2).toEqual({ total: 2, rows: [expect.objectContaining({ id: sync.id })] });
    await expect(deliveries().list({ page: 0, size: 10 })).rejects.toBeInstanceOf(DeliveriesQueryError);
    await expect(deliveries().list({ page: 1, size: 201 })).rejects.toBeInstanceOf(DeliveriesQueryError);
  });

  it('replay makes a failed delivery due now with attempts reset, and nudges the worker; unknown ids and push rows are refused', async () => {
    const { ended } = await seed();
    expect(await deliveries().replay(ended.id)).toBe(true);
    expect(nudges).toBe(1);
    expect(await storage.outbox.get(ended.id)).toMatchObject({ attempts: 0, failedAt: undefined, dueAt: T + 99_000 });
    const claimed = await storage.outbox.claimDue('n2', T + 99_000, 10, LEASE, [CALL_WEBHOOK_TOPIC]);
    expect(claimed.map((r) => r.id)).toEqual([ended.id]);
    expect(await deliveries().replay('missing')).toBe(false);
    expect(await deliveries().replay('push-1')).toBe(false);
    expect(nudges).toBe(1);
  });
});
