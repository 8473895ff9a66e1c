/**
 * An in-memory OutboxStore with the contract of the real one (adapters/storage/outbox-store.ts, whose
 * contract tests run on both engines), for unit tests of the worker.
 */
import type { NewOutboxRow, OutboxQuery, OutboxRow, OutboxStore } from '../../ports/index.js';

const before = (a: OutboxRow, b: OutboxRow) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);

export class MemoryOutboxStore implements OutboxStore {
  readonly rows = new Map<string, OutboxRow>();

  async enqueue(rows: readonly NewOutboxRow[]): Promise<number> {
    let added = 0;
    for (const row of rows) {
      if (this.rows.has(row.id)) continue;
      this.rows.set(row.id, {
        ...row,
        attempts: 0,
        lastError: undefined,
        claimedBy: undefined,
        claimedUntil: undefined,
        failedAt: undefined,
      });
      added += 1;
    }
    return added;
  }

  async claimDue(nodeId: string, now: number, limit: number, leaseMs: number, topics: readonly string[]): Promise<OutboxRow[]> {
    const live = [...this.rows.values()].filter((r) => r.failedAt === undefined);
    const due = live
      .filter((r) => topics.includes(r.topic) && r.dueAt <= now && (r.claimedUntil === undefined || r.claimedUntil <= now))
      .filter((r) => !live.some((e) => e.orderKey === r.orderKey && before(e, r)))
      .sort((a, b) => a.dueAt - b.dueAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .slice(0, Math.max(0, limit));
    for (const row of due) {
      row.claimedBy = nodeId;
      row.claimedUntil = now + leaseMs;
      row.attempts += 1;
    }
    return due.map((r) => ({ ...r }));
  }

  async complete(id: string): Promise<void> {
    this.rows.delete(id);
  }

  async retryLater(id: string, nodeId: string, dueAt: number, error: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.claimedBy !== nodeId || row.failedAt !== undefined) return false;
    Object.assign(row, { dueAt, lastError: error, claimedBy: undefined, claimedUntil: undefined });
    return true;
  }

  async giveUp(id: string, nodeId: string, error: string, at: number): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.claimedBy !== nodeId || row.failedAt !== undefined) return false;
    Object.assign(row, { failedAt: at, lastError: error, claimedBy: undefined, claimedUntil: undefined });
    return true;
  }

  async prune(bound: number): Promise<number> {
    let count = 0;
    for (const row of [...this.rows.values()]) {
      if (row.failedAt !== undefined && row.failedAt < bound) {
        this.rows.delete(row.id);
        count += 1;
      }
    }
    return count;
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    const row = this.rows.get(id);
    return row ? { ...row } : undefined;
  }

  async list(query: OutboxQuery): Promise<{ total: number; rows: OutboxRow[] }> {
    const matching = [...this.rows.values()]
      .filter((r) => query.topics.includes(r.topic))
      .filter((r) => query.status === undefined || (query.status === 'failed') === (r.failedAt !== undefined))
      .filter((r) => query.orderKeyPrefixes === undefined || query.orderKeyPrefixes.some((p) => r.orderKey.startsWith(p)))
      .sort((a, b) => (before(a, b) ? -1 : 1));
    return { total: matching.length, rows: matching.slice(query.offset, query.offset + query.limit).map((r) => ({ ...r })) };
  }

  async replay(id: string, now: number): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row) return false;
    Object.assign(row, { dueAt: now, attempts: 0, failedAt: undefined });
    return true;
  }
}
