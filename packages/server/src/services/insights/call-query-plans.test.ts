/**
 * The read queries run on indexes: every statement they send to SQLite is explained
 * (`EXPLAIN QUERY PLAN`) and none reads a whole table of calls, participants or setup timings.
 */
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createKyselyStorage } from '../../adapters/storage/kysely-storage.js';
import { migrateToLatest } from '../../adapters/storage/migrations/index.js';
import type { Database } from '../../adapters/storage/schema.js';
import type { Storage } from '../../ports/index.js';
import { seedCalls } from './call-seed.test-support.js';

const D = Date.UTC(2026, 10, 2);
let sqlite: SQLite.Database;
let db: Kysely<Database>;
let storage: Storage;
let sent: CompiledQuery[] = [];

beforeEach(async () => {
  sqlite = new SQLite(':memory:');
  db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === 'query') sent.push(event.query);
    },
  });
  await migrateToLatest(db as unknown as Kysely<unknown>);
  storage = createKyselyStorage(db);
  await seedCalls(
    storage,
    db,
    Array.from({ length: 50 }, (_, i) => ({
      callId: `c${i}`,
      createdAt: D + i * 60_000,
      beginAt: D + i * 60_000 + 1000,
      durationMs: 90_000,
    })),
  );
  sent = [];
});

afterEach(async () => {
  await db.destroy();
});

/** The plan lines of every statement sent since the seed that read a table without an index. */
function fullScans(): string[] {
  const scans: string[] = [];
  for (const query of sent) {
    const plan = sqlite.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[];
    for (const { detail } of plan) {
      if (/^SCAN (call_records|call_participants|call_setup_timings)(?! USING (COVERING )?INDEX)/.test(detail))
        scans.push(`${detail} ← ${query.sql}`);
    }
  }
  return scans;
}

it('search, one call, usage, peak concurrency and overview use indexes only', async () => {
  await storage.callQueries.search({ appKey: 'app', userId: 'bob', from: D, to: D + 86_400_000, minDurationMs: 1, page: 2, size: 10 });
  await storage.callQueries.search({ appKey: 'app', page: 1, size: 10 });
  await storage.callQueries.get('app', 'c3');
  await storage.callQueries.usagePerDay('app', '2026-11-01', '2026-11-30');
  await storage.callQueries.overview({ appKey: 'app', from: D, to: D + 86_400_000 });
  expect(sent.length).toBeGreaterThanOrEqual(9);
  expect(fullScans()).toEqual([]);
});

it('the check sees a full scan (control)', async () => {
  await db.selectFrom('call_records').selectAll().where('extra', '=', 'x').execute();
  expect(fullScans()).toHaveLength(1);
});
