import { type Kysely, Migrator } from 'kysely';
import { expect, it } from 'vitest';
import { offlineCallRecord } from '../../../services/call/offline-record.test-support.js';
import { createKyselyStorage } from '../kysely-storage.js';
import type { Database } from '../schema.js';
import { describeEachEngine } from '../storage-engines.test-support.js';
import { MIGRATIONS, migrateToLatest } from './index.js';

/** Epoch ms past 2^31: the time columns must hold it on every engine. */
const T = 1_767_225_600_000;

const asUnknown = (db: Kysely<Database>) => db as unknown as Kysely<unknown>;

/** Runs the migrations up to (not including) `stopBefore`, as an older release would have. */
async function migrateUntil(db: Kysely<Database>, stopBefore: string): Promise<void> {
  const names = Object.keys(MIGRATIONS);
  const before = Object.fromEntries(names.slice(0, names.indexOf(stopBefore)).map((n) => [n, MIGRATIONS[n]!]));
  const migrator = new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableName: 'opencall_migrations' });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
}

describeEachEngine('migrations', (engine) => {
  it('create every table and index once; a second run has nothing to do', async () => {
    const db = await engine.blank();
    const first = await migrateToLatest(asUnknown(db));
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(Object.keys(MIGRATIONS).map((n) => [n, 'Success']));
    expect((await migrateToLatest(asUnknown(db))).results).toEqual([]);
    expect(await engine.indexNames(db, 'group_members')).toContain('group_members_by_user');
    expect(await engine.indexNames(db, 'bans')).toContain('bans_by_end');
    expect(await engine.indexNames(db, 'offline_records')).toEqual(
      expect.arrayContaining(['offline_records_by_time', 'offline_records_by_age']),
    );
  });

  it('0002 turns both call switches on for apps created before it', async () => {
    const db = await engine.blank();
    await migrateUntil(db, '0002-blacklists-bans-offline-records');
    await db.insertInto('apps').values({ app_key: 'old', app_secret: 's', name: '', created_at: T }).execute();
    await migrateToLatest(asUnknown(db));
    expect(await createKyselyStorage(db).apps.get('old')).toMatchObject({ createdAt: T, audioCallEnabled: true, videoCallEnabled: true });
  });

  it('0004 keeps the offline records stored before it and adds the age index', async () => {
    const db = await engine.blank();
    await migrateUntil(db, '0004-offline-record-retention');
    const record = offlineCallRecord('c1', { beginTimestamp: T, endTimestamp: T + 1 });
    await createKyselyStorage(db, () => T).offlineRecords.add('app1', 'bob', record, 10);
    await migrateToLatest(asUnknown(db));
    expect(await createKyselyStorage(db).offlineRecords.pending('app1', 'bob', { limit: 10, notBefore: T, exclude: [] })).toEqual([record]);
    expect(await engine.indexNames(db, 'offline_records')).toContain('offline_records_by_age');
  });
});
