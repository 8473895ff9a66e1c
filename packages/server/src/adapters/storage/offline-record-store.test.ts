import { RCCallEndReason } from '@opencall/protocol';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OfflineCallRecord, Storage } from '../../ports.js';
import { offlineCallRecord } from '../../services/call/offline-record.test-support.js';
import { createKyselyStorage } from './kysely-storage.js';
import { MIGRATIONS, migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';

let db: Kysely<Database>;
let storage: Storage;
/** Each write takes the next tick of this clock, so `added_at` orders the records as written. */
let clock: number;

beforeEach(async () => {
  clock = 10;
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrateToLatest(db as unknown as Kysely<unknown>);
  storage = createKyselyStorage(db, () => clock++);
});

afterEach(async () => {
  await storage.close();
});

const offline = (callId: string, endReason: number = RCCallEndReason.REMOTE_CANCEL) => offlineCallRecord(callId, { endReason });

const all = { limit: 100, notBefore: 0, exclude: [] };
const ids = (records: OfflineCallRecord[]) => records.map((r) => r.callId);

describe('offline record store', () => {
  it('pending lists oldest first without deleting; storing a call again updates it in its place', async () => {
    await storage.offlineRecords.add('app1', 'bob', offline('c2'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c1'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c3'), 10);
    await storage.offlineRecords.add('app1', 'carol', offline('c9'), 10);
    await storage.offlineRecords.add('app2', 'bob', offline('c8'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c2', RCCallEndReason.REMOTE_NO_RESPONSE), 10);

    const listed = await storage.offlineRecords.pending('app1', 'bob', all);
    expect(listed).toEqual([offline('c2', RCCallEndReason.REMOTE_NO_RESPONSE), offline('c1'), offline('c3')]);
    expect(await storage.offlineRecords.pending('app1', 'bob', all)).toEqual(listed);
    expect(ids(await storage.offlineRecords.pending('app1', 'carol', all))).toEqual(['c9']);
    expect(ids(await storage.offlineRecords.pending('app2', 'bob', all))).toEqual(['c8']);
  });

  it('pending respects the limit, the exclusions and the age bound', async () => {
    for (const id of ['c1', 'c2', 'c3', 'c4']) await storage.offlineRecords.add('app1', 'bob', offline(id), 10);
    // c1 was stored at 10, c2 at 11, … (trimming reads do not tick the clock).
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, limit: 2 }))).toEqual(['c1', 'c2']);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, limit: 0 }))).toEqual([]);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, limit: 2, exclude: ['c1', 'c3'] }))).toEqual(['c2', 'c4']);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, notBefore: 12 }))).toEqual(['c3', 'c4']);
  });

  it('remove deletes only the named records of that user', async () => {
    await storage.offlineRecords.add('app1', 'bob', offline('c1'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c2'), 10);
    await storage.offlineRecords.add('app1', 'carol', offline('c1'), 10);
    await storage.offlineRecords.remove('app1', 'bob', ['c1', 'unknown', 'c1']);
    await storage.offlineRecords.remove('app1', 'bob', []);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', all))).toEqual(['c2']);
    expect(ids(await storage.offlineRecords.pending('app1', 'carol', all))).toEqual(['c1']);
  });

  it('add keeps only the newest `keep` records of the user', async () => {
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await storage.offlineRecords.add('app1', 'bob', offline(id), 3);
    await storage.offlineRecords.add('app1', 'carol', offline('c1'), 3);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', all))).toEqual(['c3', 'c4', 'c5']);
    expect(ids(await storage.offlineRecords.pending('app1', 'carol', all))).toEqual(['c1']);
  });

  it('prune drops the records of every user stored before the bound', async () => {
    await storage.offlineRecords.add('app1', 'bob', offline('c1'), 10); // at 10
    await storage.offlineRecords.add('app1', 'carol', offline('c2'), 10); // at 11
    await storage.offlineRecords.add('app2', 'dave', offline('c3'), 10); // at 12
    expect(await storage.offlineRecords.prune(12)).toBe(2);
    expect(await storage.offlineRecords.prune(12)).toBe(0);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', all))).toEqual([]);
    expect(ids(await storage.offlineRecords.pending('app2', 'dave', all))).toEqual(['c3']);
  });

  it('a record stored in a transaction that fails is not stored', async () => {
    await expect(
      storage.transaction(async (tx) => {
        await tx.offlineRecords.add('app1', 'bob', offline('c1'), 10);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await storage.offlineRecords.pending('app1', 'bob', all)).toEqual([]);
  });
});

describe('migration 0004', () => {
  it('keeps the records stored before it and adds the age index', async () => {
    const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      const { '0004-offline-record-retention': _latest, ...before } = MIGRATIONS;
      const migrator = new Migrator({
        db: old,
        provider: { getMigrations: async () => before },
        migrationTableName: 'opencall_migrations',
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await createKyselyStorage(old, () => 5).offlineRecords.add('app1', 'bob', offline('c1'), 10);
      await migrateToLatest(old as unknown as Kysely<unknown>);
      expect(ids(await createKyselyStorage(old).offlineRecords.pending('app1', 'bob', all))).toEqual(['c1']);
      const index = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'index' and name = 'offline_records_by_age'`.execute(old);
      expect(index.rows).toEqual([{ name: 'offline_records_by_age' }]);
    } finally {
      await old.destroy();
    }
  });
});
