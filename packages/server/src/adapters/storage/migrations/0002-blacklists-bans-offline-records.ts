/**
 * Blacklists, bans, offline call records and the per-app call service switches. Portable types only
 * (text, bigint, integer), so it runs unchanged on SQLite and Postgres.
 */
import type { Kysely, Migration } from 'kysely';

export const blacklistsBansOfflineRecords: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('apps')
      .addColumn('audio_call_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('apps')
      .addColumn('video_call_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();

    await db.schema
      .createTable('blacklists')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('blocked_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('blacklists_pk', ['app_key', 'owner_id', 'blocked_id'])
      .execute();

    await db.schema
      .createTable('bans')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('bans_pk', ['app_key', 'user_id'])
      .execute();
    // `/user/block/query.json` lists active bans by end time.
    await db.schema.createIndex('bans_by_end').on('bans').columns(['app_key', 'ends_at']).execute();

    await db.schema
      .createTable('offline_records')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addColumn('conversation_type', 'integer', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('inviter_id', 'text', (c) => c.notNull())
      .addColumn('media_type', 'integer', (c) => c.notNull())
      .addColumn('end_reason', 'integer', (c) => c.notNull())
      .addColumn('begin_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('end_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('duration', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('offline_records_pk', ['app_key', 'user_id', 'call_id'])
      .execute();
    await db.schema.createIndex('offline_records_by_time').on('offline_records').columns(['app_key', 'user_id', 'added_at']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['offline_records', 'bans', 'blacklists']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    await db.schema.alterTable('apps').dropColumn('video_call_enabled').execute();
    await db.schema.alterTable('apps').dropColumn('audio_call_enabled').execute();
  },
};
