/**
 * What only Postgres has: a pool (transactions on one connection while others run beside them),
 * BIGINT parsing, idle connections killed by the server, an unreachable server. Runs against a fresh
 * database on the local Postgres (it must be there: see test-database.test-support.ts).
 */
import { createServer, type Socket } from 'node:net';
import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord, Storage } from '../../../ports/index.js';
import { createPostgresKysely, openPostgresStorage, parseBigint } from './open-postgres-storage.js';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from './test-database.test-support.js';

const T = 1_767_225_600_000;
let database: TestDatabase;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await database?.drop();
});

async function open(options: { onIdleError?: (error: Error) => void; poolSize?: number } = {}): Promise<Storage> {
  const storage = await openPostgresStorage({ url: database.url, ...options });
  opened.push(storage);
  return storage;
}

function rawDb(): Kysely<unknown> {
  const db = createPostgresKysely({ url: database.url, poolSize: 2 }) as unknown as Kysely<unknown>;
  opened.push({ close: () => db.destroy() });
  return db;
}

function record(callId: string): CallRecord {
  return {
    appKey: 'app1',
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: 'bob',
    channelId: '',
    callerId: 'alice',
    mediaType: RCCallMediaType.AUDIO,
    extra: '',
    createdAt: T,
    beginAt: T + 1,
    endAt: T + 2,
    durationMs: 1,
    endReason: RCCallEndReason.HANGUP,
    participants: [],
  };
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('parseBigint', () => {
  it('returns safe integers as numbers and refuses to round larger ones', () => {
    expect(parseBigint('1767225600000')).toBe(T);
    expect(parseBigint('-9007199254740991')).toBe(-9007199254740991);
    expect(() => parseBigint('9007199254740993')).toThrow(RangeError);
  });
});

describe('openPostgresStorage', () => {
  it('migrates once: opening the same database again keeps its data', async () => {
    const first = await open();
    await first.calls.save(record('c1'));
    const second = await open();
    expect(await second.calls.get('app1', 'c1')).toEqual(record('c1'));
  });

  it('every time and duration column is BIGINT (a Postgres integer is 32-bit: ms times overflow it)', async () => {
    await open();
    const timeColumns = [
      'active_calls.updated_at',
      'apps.created_at',
      'apps.previous_secret_until',
      'bans.ends_at',
      'blacklists.created_at',
      'call_events.at',
      'call_participants.joined_at',
      'call_participants.left_at',
      'call_records.begin_at',
      'call_records.created_at',
      'call_records.duration_ms',
      'call_records.end_at',
      'call_setup_timings.accept_to_first_frame_ms',
      'call_setup_timings.accept_to_ice_connected_ms',
      'call_setup_timings.at',
      'call_setup_timings.invite_to_ringing_ms',
      'console_revoked_sessions.expires_at',
      'console_settings.created_at',
      'group_members.joined_at',
      'groups.created_at',
      'offline_records.added_at',
      'offline_records.begin_timestamp',
      'offline_records.duration',
      'offline_records.end_timestamp',
      'outbox.claimed_until',
      'outbox.created_at',
      'outbox.due_at',
      'outbox.failed_at',
      'quality_samples.at',
      'quality_samples.freeze_ms',
      'rtc_bans.ends_at',
      'users.created_at',
      'users.tokens_valid_after',
      'web_push_keys.created_at',
      'web_push_subscriptions.created_at',
      'web_push_subscriptions.last_ok_at',
    ];
    const columns = await sql<{ name: string; data_type: string }>`
      select table_name || '.' || column_name as name, data_type from information_schema.columns
      where table_schema = 'public' and data_type in ('bigint', 'integer', 'smallint')`.execute(rawDb());
    const bigint = columns.rows.filter((c) => c.data_type === 'bigint').map((c) => c.name);
    expect(bigint.sort()).toEqual(timeColumns);
  });

  it('BIGINT columns and COUNT(*) come back as numbers; a value past 2^53 fails the query, not the pool', async () => {
    const storage = await open();
    await storage.calls.save(record('c-bigint'));
    const db = rawDb();
    const row = await sql<{
      created_at: unknown;
      n: unknown;
    }>`select created_at, (select count(*) from call_records) as n from call_records where call_id = 'c-bigint'`.execute(db);
    expect(row.rows[0]).toEqual({ created_at: T, n: expect.any(Number) });
    await expect(sql`select 9007199254740993::bigint as x`.execute(db)).rejects.toThrow('outside the safe integer range');
    expect((await sql<{ x: unknown }>`select 42::bigint as x`.execute(db)).rows).toEqual([{ x: 42 }]);
  });

  it('a transaction runs on one pooled connection: its writes are invisible to the others until commit', async () => {
    const storage = await open({ poolSize: 4 });
    let releaseTx!: () => void;
    const released = new Promise<void>((resolve) => {
      releaseTx = resolve;
    });
    let seenInside: CallRecord | undefined;
    const tx = storage.transaction(async (inner) => {
      await inner.calls.save(record('c-tx'));
      seenInside = await inner.calls.get('app1', 'c-tx');
      await released;
    });
    for (let i = 0; i < 100 && seenInside === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seenInside).toEqual(record('c-tx'));
    expect(await storage.calls.get('app1', 'c-tx')).toBeUndefined();
    releaseTx();
    await tx;
    expect(await storage.calls.get('app1', 'c-tx')).toEqual(record('c-tx'));
  });

  it('concurrent transactions on the pool each commit or roll back on their own', async () => {
    const storage = await open({ poolSize: 4 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        storage.transaction(async (tx) => {
          await tx.calls.save(record(`c-par-${i}`));
          await tx.activeCalls.save({
            appKey: 'app1',
            callId: `c-par-${i}`,
            snapshot: '{}',
            updatedAt: T + i,
            ownerNode: '',
            ownerEpoch: 1,
          });
          if (i % 2 === 1) throw new Error(`fail ${i}`);
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 8 }, (_, i) => (i % 2 === 1 ? 'rejected' : 'fulfilled')));
    const stored = (await storage.calls.list('app1', { limit: 100 })).map((r) => r.callId).filter((id) => id.startsWith('c-par-'));
    expect(stored.sort()).toEqual(['c-par-0', 'c-par-2', 'c-par-4', 'c-par-6']);
    const journal = (await storage.activeCalls.all()).map((c) => c.callId).filter((id) => id.startsWith('c-par-'));
    expect(journal.sort()).toEqual(['c-par-0', 'c-par-2', 'c-par-4', 'c-par-6']);
  });

  it('idle connections killed by the server are reported and replaced; the storage keeps working', async () => {
    const errors: Error[] = [];
    const storage = await open({ poolSize: 2, onIdleError: (error) => errors.push(error) });
    await storage.calls.save(record('c-before'));
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      const killed = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'opencall' and state = 'idle'",
        [database.name],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ message: expect.stringContaining('terminat'), code: '57P01' });
    expect(Object.keys(errors[0]!)).not.toContain('client');
    expect(await storage.calls.get('app1', 'c-before')).toEqual(record('c-before'));
  });

  it('an unreachable server is a clear error (password masked), within the connect timeout', async () => {
    const url = `postgres://opencall:s3cret@127.0.0.1:${await closedPort()}/opencall`;
    const started = Date.now();
    const failure = await openPostgresStorage({ url, connectTimeoutMs: 2000 }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(
      /^cannot connect to Postgres at postgres:\/\/opencall:\*\*\*@127\.0\.0\.1:\d+\/opencall: .*ECONNREFUSED/,
    );
    expect(failure?.message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a server that accepts but never answers fails the open after the connect timeout, no hang', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const started = Date.now();
      const failure = await openPostgresStorage({ url: `postgres://postgres@127.0.0.1:${port}/opencall`, connectTimeoutMs: 500 }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(/^cannot connect to Postgres at postgres:\/\/postgres@127\.0\.0\.1:\d+\/opencall: .*timeout/i);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
