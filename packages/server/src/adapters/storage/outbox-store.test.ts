import { beforeEach, expect, it } from 'vitest';
import type { NewOutboxRow, OutboxRow, Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Epoch ms past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;
const LEASE = 10_000;

function row(id: string, overrides: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return { id, topic: 'push', orderKey: `key-${id}`, payload: JSON.stringify({ id }), createdAt: T, dueAt: T, ...overrides };
}

const ids = (rows: OutboxRow[]) => rows.map((r) => r.id);

describeEachEngine('storage: outbox', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open());
  });

  it('enqueue inserts new rows and leaves a row whose id exists as it was', async () => {
    expect(await storage.outbox.enqueue([row('a'), row('b')])).toBe(2);
    expect(await storage.outbox.enqueue([row('a', { payload: '{"second":true}' }), row('c')])).toBe(1);
    expect(await storage.outbox.enqueue([])).toBe(0);
    expect(await storage.outbox.get('a')).toEqual({
      ...row('a'),
      attempts: 0,
      lastError: undefined,
      claimedBy: undefined,
      claimedUntil: undefined,
      failedAt: undefined,
    });
    expect(await storage.outbox.get('c')).toMatchObject({ id: 'c' });
    expect(await storage.outbox.get('missing')).toBeUndefined();
  });

  it('claimDue takes due rows of the asked topics, up to the limit, for a lease; attempts count the claims', async () => {
    await storage.outbox.enqueue([
      row('r1', { dueAt: T - 20 }),
      row('r2', { dueAt: T - 10 }),
      row('r3', { dueAt: T }),
      row('later', { dueAt: T + 1 }),
      row('hook', { topic: 'webhook' }),
    ]);
    const first = await storage.outbox.claimDue('n1', T, 2, LEASE, ['push']);
    expect(ids(first)).toEqual(['r1', 'r2']);
    expect(first[0]).toMatchObject({ attempts: 1, claimedBy: 'n1', claimedUntil: T + LEASE });
    expect(ids(await storage.outbox.claimDue('n2', T, 10, LEASE, ['push']))).toEqual(['r3']);
    expect(await storage.outbox.claimDue('n2', T, 10, LEASE, ['push'])).toEqual([]);
    expect(await storage.outbox.claimDue('n2', T, 0, LEASE, ['push', 'webhook'])).toEqual([]);
    expect(await storage.outbox.claimDue('n2', T, 10, LEASE, [])).toEqual([]);
    expect(ids(await storage.outbox.claimDue('n2', T + 1, 10, LEASE, ['push', 'webhook']))).toEqual(['hook', 'later']);
  });

  it('a lapsed claim is taken by another node (attempts go on); the first node can then no longer retry or give up', async () => {
    await storage.outbox.enqueue([row('a')]);
    expect(ids(await storage.outbox.claimDue('n1', T, 10, LEASE, ['push']))).toEqual(['a']);
    expect(await storage.outbox.claimDue('n2', T + LEASE - 1, 10, LEASE, ['push'])).toEqual([]);
    const [again] = await storage.outbox.claimDue('n2', T + LEASE, 10, LEASE, ['push']);
    expect(again).toMatchObject({ id: 'a', attempts: 2, claimedBy: 'n2', claimedUntil: T + 2 * LEASE });
    expect(await storage.outbox.retryLater('a', 'n1', T + 99, 'late')).toBe(false);
    expect(await storage.outbox.giveUp('a', 'n1', 'late', T)).toBe(false);
    expect(await storage.outbox.get('a')).toMatchObject({ claimedBy: 'n2', dueAt: T, failedAt: undefined });
  });

  it('retryLater makes the row due again later with its error, claim released', async () => {
    await storage.outbox.enqueue([row('a')]);
    await storage.outbox.claimDue('n1', T, 10, LEASE, ['push']);
    expect(await storage.outbox.retryLater('a', 'n1', T + 1000, 'HTTP 503')).toBe(true);
    expect(await storage.outbox.get('a')).toMatchObject({
      dueAt: T + 1000,
      lastError: 'HTTP 503',
      claimedBy: undefined,
      claimedUntil: undefined,
      attempts: 1,
    });
    expect(await storage.outbox.claimDue('n1', T + 999, 10, LEASE, ['push'])).toEqual([]);
    expect(await storage.outbox.claimDue('n2', T + 1000, 10, LEASE, ['push'])).toMatchObject([{ id: 'a', attempts: 2 }]);
    expect(await storage.outbox.retryLater('a', 'n2', T + 2000, 'x'.repeat(5000))).toBe(true);
    expect((await storage.outbox.get('a'))!.lastError!.length).toBeLessThanOrEqual(1000);
  });

  it('complete deletes the row; giveUp keeps a dead letter that is never claimed and is pruned after retention', async () => {
    await storage.outbox.enqueue([row('ok'), row('dead'), row('dead2')]);
    await storage.outbox.claimDue('n1', T, 10, LEASE, ['push']);
    await storage.outbox.complete('ok');
    await storage.outbox.complete('ok');
    expect(await storage.outbox.get('ok')).toBeUndefined();
    expect(await storage.outbox.giveUp('dead', 'n1', 'HTTP 500', T + 5)).toBe(true);
    expect(await storage.outbox.giveUp('dead2', 'n1', 'HTTP 500', T + 9)).toBe(true);
    expect(await storage.outbox.get('dead')).toMatchObject({ failedAt: T + 5, lastError: 'HTTP 500', claimedBy: undefined });
    expect(await storage.outbox.claimDue('n2', T + 10 * LEASE, 10, LEASE, ['push'])).toEqual([]);
    expect(await storage.outbox.retryLater('dead', 'n1', T, 'no')).toBe(false);
    expect(await storage.outbox.prune(T + 9)).toBe(1);
    expect(await storage.outbox.prune(T + 9)).toBe(0);
    expect(await storage.outbox.get('dead')).toBeUndefined();
    expect(await storage.outbox.get('dead2')).toMatchObject({ failedAt: T + 9 });
  });

  it('rows of one order key go out one at a time, in order; a dead letter no longer holds the next back', async () => {
    await storage.outbox.enqueue([
      row('u1-hangup', { orderKey: 'u1', createdAt: T + 1 }),
      row('u1-call', { orderKey: 'u1', createdAt: T }),
      row('u1-b', { orderKey: 'u1', createdAt: T + 1 }),
      row('u2-call', { orderKey: 'u2', createdAt: T + 1 }),
    ]);
    expect(ids(await storage.outbox.claimDue('n1', T + 5, 10, LEASE, ['push']))).toEqual(['u1-call', 'u2-call']);
    // The head is out for delivery, then waits for a retry: what follows it waits too.
    expect(await storage.outbox.claimDue('n2', T + 5, 10, LEASE, ['push'])).toEqual([]);
    await storage.outbox.retryLater('u1-call', 'n1', T + 100, 'HTTP 503');
    expect(await storage.outbox.claimDue('n2', T + 5, 10, LEASE, ['push'])).toEqual([]);
    expect(ids(await storage.outbox.claimDue('n2', T + 100, 10, LEASE, ['push']))).toEqual(['u1-call']);
    await storage.outbox.complete('u1-call');
    // Same creation time: the smaller id first.
    expect(ids(await storage.outbox.claimDue('n2', T + 100, 10, LEASE, ['push']))).toEqual(['u1-b']);
    await storage.outbox.giveUp('u1-b', 'n2', 'HTTP 400', T + 100);
    expect(ids(await storage.outbox.claimDue('n2', T + 100, 10, LEASE, ['push']))).toEqual(['u1-hangup']);
  });

  it('rows enqueued in a transaction that fails are not stored', async () => {
    await expect(
      storage.transaction(async (tx) => {
        await tx.outbox.enqueue([row('a')]);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await storage.outbox.get('a')).toBeUndefined();
  });

  it('nodes claiming at once (each its own connection pool on Postgres) never get the same row', async () => {
    const nodes: Storage[] = [storage];
    // On Postgres each node is another pool on the same database; SQLite is one process, one connection.
    if (engine.name === 'postgres') for (let i = 0; i < 3; i += 1) nodes.push((await engine.open()).storage);
    else nodes.push(storage, storage, storage);
    const total = 400;
    await storage.outbox.enqueue(Array.from({ length: total }, (_, i) => row(`r${String(i).padStart(3, '0')}`)));
    const claimedBy = new Map<string, string[]>();
    const rounds = await Promise.all(
      nodes.map(async (node, n) => {
        let calls = 0;
        for (let i = 0; i < 200; i += 1) {
          calls += 1;
          const rows = await node.outbox.claimDue(`node${n}`, T, 7, LEASE, ['push']);
          if (rows.length === 0) break;
          for (const r of rows) claimedBy.set(r.id, [...(claimedBy.get(r.id) ?? []), `node${n}`]);
        }
        return calls;
      }),
    );
    expect(rounds.every((calls) => calls < 200)).toBe(true);
    expect(claimedBy.size).toBe(total);
    const twice = [...claimedBy.entries()].filter(([, by]) => by.length > 1);
    expect(twice).toEqual([]);
    if (engine.name === 'postgres') expect(new Set([...claimedBy.values()].flat()).size).toBeGreaterThan(1);
  });
});
