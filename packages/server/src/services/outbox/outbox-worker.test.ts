import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewOutboxRow, OutboxRow } from '../../ports/index.js';
import { MemoryOutboxStore } from './memory-outbox-store.test-support.js';
import { PermanentDeliveryError, RetryAfterError } from './outbox-handler.js';
import { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.js';

const logger = pino({ level: 'silent' });
const T0 = 1_767_225_600_000;
const LEASE = 10_000;

function row(id: string, overrides: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return { id, topic: 'push', orderKey: `key-${id}`, payload: '{}', createdAt: Date.now(), dueAt: Date.now(), ...overrides };
}

/** A provider whose answers the test scripts; records when (ms after T0) each attempt came. */
class FakeProvider {
  readonly attempts: { id: string; at: number }[] = [];
  /** Rejects while it returns an error for the row; `'hang'` never settles. */
  fail: (row: OutboxRow, attempt: number) => Error | 'hang' | undefined = () => undefined;

  readonly handler = async (r: OutboxRow): Promise<void> => {
    this.attempts.push({ id: r.id, at: Date.now() - T0 });
    const outcome = this.fail(r, this.attempts.filter((a) => a.id === r.id).length);
    if (outcome === 'hang') return new Promise<void>(() => undefined);
    if (outcome) throw outcome;
  };

  timesOf(id: string): number[] {
    return this.attempts.filter((a) => a.id === id).map((a) => a.at);
  }
}

/** Fake timers run a 0 ms timer set during a tick 1 ms later: times below allow that. */
const within = (at: number | undefined, from: number, slackMs = 5) => {
  expect(at).toBeGreaterThanOrEqual(from);
  expect(at).toBeLessThanOrEqual(from + slackMs);
};

let store: MemoryOutboxStore;
let provider: FakeProvider;
const workers: OutboxWorker[] = [];

function worker(options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  const created = new OutboxWorker({
    store,
    nodeId: 'node-a',
    handlers: { push: provider.handler },
    logger,
    maxAttempts: 8,
    leaseMs: LEASE,
    ...options,
  });
  workers.push(created);
  return created;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'Date'] });
  vi.setSystemTime(T0);
  store = new MemoryOutboxStore();
  provider = new FakeProvider();
});

afterEach(async () => {
  const stopping = Promise.all(workers.splice(0).map((w) => w.stop(0)));
  await vi.runOnlyPendingTimersAsync();
  await stopping;
  vi.useRealTimers();
});

describe('outbox worker', () => {
  it('delivers a due row and deletes it', async () => {
    await store.enqueue([row('a')]);
    const w = worker();
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.timesOf('a')).toEqual([0]);
    expect(await store.get('a')).toBeUndefined();
    expect(w.stats).toEqual({ delivered: 1, retried: 0, gaveUp: 0 });
  });

  it('retries after 1 s, 5 s, 30 s, 2 min, then every 10 min, and gives up after maxAttempts (a dead letter)', async () => {
    provider.fail = () => new Error('HTTP 503');
    await store.enqueue([row('a')]);
    const w = worker();
    w.start();
    await vi.advanceTimersByTimeAsync(3 * 3600_000);
    const times = provider.timesOf('a');
    const expected = [0, 1000, 6000, 36_000, 156_000, 756_000, 1_356_000, 1_956_000];
    expect(times).toHaveLength(8);
    // Each attempt at the first poll (every 250 ms) at or after its due time.
    times.forEach((at, i) => {
      expect(at).toBeGreaterThanOrEqual(expected[i]!);
      expect(at).toBeLessThan(expected[i]! + 250);
    });
    expect(await store.get('a')).toMatchObject({ attempts: 8, failedAt: T0 + times[7]!, lastError: 'HTTP 503', claimedBy: undefined });
    expect(w.stats).toEqual({ delivered: 0, retried: 7, gaveUp: 1 });
  });

  it('delivers once the receiver takes it (third attempt) and stops there', async () => {
    provider.fail = (_row, attempt) => (attempt <= 2 ? new Error('HTTP 500') : undefined);
    await store.enqueue([row('a')]);
    const w = worker();
    w.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(provider.timesOf('a')).toHaveLength(3);
    expect(await store.get('a')).toBeUndefined();
    expect(w.stats).toEqual({ delivered: 1, retried: 2, gaveUp: 0 });
  });

  it('OPENCALL_OUTBOX_MAX_ATTEMPTS=1 gives up at the first failure; a permanent failure is given up at once', async () => {
    provider.fail = (r) => (r.id === 'bad' ? new PermanentDeliveryError('payload does not fit') : new Error('HTTP 502'));
    await store.enqueue([row('a'), row('bad')]);
    const w = worker({ maxAttempts: 1 });
    w.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(provider.attempts).toHaveLength(2);
    expect(await store.get('a')).toMatchObject({ failedAt: T0, lastError: 'HTTP 502' });
    expect(await store.get('bad')).toMatchObject({ failedAt: T0, lastError: 'payload does not fit' });
    expect(w.stats.gaveUp).toBe(2);
  });

  it('claims only the topics it has a handler for', async () => {
    await store.enqueue([row('hook', { topic: 'webhook' }), row('a')]);
    const w = worker();
    w.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(provider.attempts.map((a) => a.id)).toEqual(['a']);
    expect(await store.get('hook')).toMatchObject({ attempts: 0, claimedBy: undefined });
  });

  it('a nudge sends a new row at once, without waiting for the poll', async () => {
    const w = worker({ pollMs: 60_000 });
    w.start();
    await vi.advanceTimersByTimeAsync(10);
    await store.enqueue([row('a')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(provider.timesOf('a')).toEqual([]); // no poll yet, no nudge: still waiting
    w.nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.timesOf('a')).toEqual([1010]);
    expect(await store.get('a')).toBeUndefined();
  });

  it('rows of one order key go out in order: the next one right after the first is delivered', async () => {
    provider.fail = (r, attempt) => (r.id === 'call' && attempt === 1 ? new Error('HTTP 503') : undefined);
    await store.enqueue([row('call', { orderKey: 'bob' }), row('hangup', { orderKey: 'bob', createdAt: T0 + 1 }), row('other')]);
    const w = worker({ pollMs: 60_000 });
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.attempts.map((a) => a.id)).toEqual(['call', 'other']);
    // The retry is due after 1 s; the poll is 60 s away, so nudge as a commit would.
    await vi.advanceTimersByTimeAsync(1000);
    w.nudge();
    await vi.advanceTimersByTimeAsync(5);
    expect(provider.attempts.map((a) => a.id)).toEqual(['call', 'other', 'call', 'hangup']);
    within(provider.timesOf('hangup')[0], 1000);
  });

  it('a delivery that outlives its timeout counts as a failed attempt', async () => {
    provider.fail = (_row, attempt) => (attempt === 1 ? 'hang' : undefined);
    await store.enqueue([row('a')]);
    const w = worker({ deliveryTimeoutMs: 3000 });
    w.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(await store.get('a')).toMatchObject({ lastError: 'delivery took longer than 3000 ms', dueAt: T0 + 4000 });
    await vi.advanceTimersByTimeAsync(1250);
    expect(provider.timesOf('a')).toHaveLength(2);
    within(provider.timesOf('a')[1], 4000);
    expect(await store.get('a')).toBeUndefined();
  });

  it('stop lets deliveries in flight finish within the grace; one still running stays claimed for its lease', async () => {
    let release!: () => void;
    provider.fail = (r) => (r.id === 'slow' ? 'hang' : undefined);
    const quick = new Promise<void>((resolve) => {
      release = resolve;
    });
    await store.enqueue([row('slow'), row('quick')]);
    const w = worker({
      handlers: { push: async (r) => (r.id === 'quick' ? quick : provider.handler(r)) },
      deliveryTimeoutMs: 60_000,
    });
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(w.inFlightCount).toBe(2);
    const stopped = w.stop(2000);
    await vi.advanceTimersByTimeAsync(500);
    release();
    await vi.advanceTimersByTimeAsync(1500);
    await stopped;
    expect(await store.get('quick')).toBeUndefined();
    expect(await store.get('slow')).toMatchObject({ claimedBy: 'node-a', claimedUntil: T0 + LEASE, attempts: 1 });
    // Stopped: nothing more is claimed, even by a nudge; another node takes the row once the lease lapses.
    await store.enqueue([row('late')]);
    w.nudge();
    await vi.advanceTimersByTimeAsync(LEASE);
    expect(provider.timesOf('late')).toEqual([]);
    const next = worker({ nodeId: 'node-b' });
    next.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.get('slow')).toMatchObject({ claimedBy: 'node-b', attempts: 2 });
  });

  it('prunes dead letters past their retention at start and every pruneEveryMs', async () => {
    await store.enqueue([row('old'), row('new')]);
    await store.claimDue('node-x', T0, 10, LEASE, ['push']);
    await store.giveUp('old', 'node-x', 'HTTP 500', T0 - 8 * 24 * 3600_000);
    await store.giveUp('new', 'node-x', 'HTTP 500', T0);
    const w = worker({ deadLetterRetentionMs: 7 * 24 * 3600_000, pruneEveryMs: 3600_000, pollMs: 3600_000 });
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect([...store.rows.keys()]).toEqual(['new']);
    await vi.advanceTimersByTimeAsync(7 * 24 * 3600_000 + 3600_000);
    expect([...store.rows.keys()]).toEqual([]);
  });

  it('keeps going when claiming fails (storage down), and delivers once it works again', async () => {
    await store.enqueue([row('a')]);
    const claim = vi.spyOn(store, 'claimDue').mockRejectedValueOnce(new Error('connection refused'));
    const w = worker();
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.attempts).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(provider.timesOf('a')).toHaveLength(1);
    within(provider.timesOf('a')[0], 250);
    expect(claim.mock.calls.length).toBeGreaterThanOrEqual(2);
  });
  it("honours the receiver's Retry-After instead of the schedule", async () => {
    provider.fail = (_row, attempt) => (attempt === 1 ? new RetryAfterError('HTTP 429', 7000) : undefined);
    await store.enqueue([row('a')]);
    const w = worker();
    w.start();
    await vi.advanceTimersByTimeAsync(10_000);
    const times = provider.timesOf('a');
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(7000);
    expect(times[1]).toBeLessThan(7250);
  });

  it('spreads each retry by the jitter share around the schedule', async () => {
    provider.fail = () => new Error('HTTP 503');
    await store.enqueue([row('a')]);
    const w = worker({ retryDelaysMs: [10_000], retryJitter: 0.2, random: () => 1, maxAttempts: 2 });
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.get('a')).toMatchObject({ dueAt: T0 + 12_000 });
  });

  it('gives a row up once its next attempt would fall past the horizon after it was written', async () => {
    provider.fail = () => new Error('HTTP 500');
    await store.enqueue([row('a', { createdAt: T0, dueAt: T0 })]);
    const w = worker({ retryDelaysMs: [1000, 4000], giveUpAfterMs: 6000, maxAttempts: Number.MAX_SAFE_INTEGER });
    w.start();
    await vi.advanceTimersByTimeAsync(60_000);
    // 0 → 1 s → 5 s; the next (9 s) would be past 6 s: given up at the third failure.
    expect(provider.timesOf('a')).toHaveLength(3);
    expect(await store.get('a')).toMatchObject({ attempts: 3, lastError: 'HTTP 500' });
    expect((await store.get('a'))?.failedAt).toBeGreaterThanOrEqual(T0 + 5000);
    expect(w.stats).toEqual({ delivered: 0, retried: 2, gaveUp: 1 });
  });
});
