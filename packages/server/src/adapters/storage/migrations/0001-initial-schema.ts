/**
 * Initial schema. Uses only portable column types (text, bigint, integer) and composite primary
 * keys, so it runs unchanged on SQLite and Postgres.
 */
import type { Kysely, Migration } from 'kysely';

export const initialSchema: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('apps')
      .addColumn('app_key', 'text', (c) => c.primaryKey())
      .addColumn('app_secret', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('portrait_uri', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('tokens_valid_after', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('users_pk', ['app_key', 'user_id'])
      .execute();

    await db.schema
      .createTable('groups')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('groups_pk', ['app_key', 'group_id'])
      .execute();

    await db.schema
      .createTable('group_members')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['app_key', 'group_id', 'user_id'])
      .execute();
    // "Which groups is this user in" (membership checks go through the primary key).
    await db.schema.createIndex('group_members_by_user').on('group_members').columns(['app_key', 'user_id']).execute();

    await db.schema
      .createTable('call_records')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('conversation_type', 'integer', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('caller_id', 'text', (c) => c.notNull())
      .addColumn('media_type', 'integer', (c) => c.notNull())
      .addColumn('extra', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('begin_at', 'bigint', (c) => c.notNull())
      .addColumn('end_at', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull())
      .addColumn('end_reason', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('call_records_pk', ['app_key', 'call_id'])
      .execute();
    await db.schema.createIndex('call_records_by_time').on('call_records').columns(['app_key', 'created_at']).execute();

    await db.schema
      .createTable('call_participants')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('is_caller', 'integer', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addColumn('left_at', 'bigint', (c) => c.notNull())
      .addColumn('end_reason', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('call_participants_pk', ['app_key', 'call_id', 'position'])
      .execute();
    // A user's call history.
    await db.schema.createIndex('call_participants_by_user').on('call_participants').columns(['app_key', 'user_id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['call_participants', 'call_records', 'group_members', 'groups', 'users', 'apps']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
