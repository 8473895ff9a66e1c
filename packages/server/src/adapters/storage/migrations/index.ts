/**
 * Every schema migration, in code (no file scanning), so bundlers and every Kysely dialect see the
 * same list. Names sort in the order they must run; never rename or edit a released migration.
 * The same migrations run on SQLite and Postgres: ms times and durations are `bigint` (a Postgres
 * `integer` is 32-bit), enums and 0/1 flags `integer`. On Postgres the Migrator holds an advisory
 * lock and runs the pending migrations in one transaction, so nodes starting together are safe.
 */
import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import { initialSchema } from './0001-initial-schema.js';
import { blacklistsBansOfflineRecords } from './0002-blacklists-bans-offline-records.js';
import { activeCalls } from './0003-active-calls.js';
import { offlineRecordRetention } from './0004-offline-record-retention.js';
import { callOwnership } from './0005-call-ownership.js';
import { outbox } from './0006-outbox.js';
import { rtcBans } from './0007-rtc-bans.js';
import { callInsights } from './0008-call-insights.js';
import { appAdmin } from './0009-app-admin.js';
import { webPush } from './0010-web-push.js';
import { consoleSettings } from './0011-console-settings.js';
import { callQueryIndexes } from './0012-call-query-indexes.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial-schema': initialSchema,
  '0002-blacklists-bans-offline-records': blacklistsBansOfflineRecords,
  '0003-active-calls': activeCalls,
  '0004-offline-record-retention': offlineRecordRetention,
  '0005-call-ownership': callOwnership,
  '0006-outbox': outbox,
  '0007-rtc-bans': rtcBans,
  '0008-call-insights': callInsights,
  '0009-app-admin': appAdmin,
  '0010-web-push': webPush,
  '0011-console-settings': consoleSettings,
  '0012-call-query-indexes': callQueryIndexes,
};

/** Serves {@link MIGRATIONS} to Kysely's Migrator. */
export class InCodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...MIGRATIONS };
  }
}

/** Migrates `db` to the latest schema; throws the first failure (with the migration's name). */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(), migrationTableName: 'opencall_migrations' });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
