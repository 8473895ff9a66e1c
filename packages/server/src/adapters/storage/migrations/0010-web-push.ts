/**
 * Web Push: the server's VAPID key pair (one row, shared by every node through the database) and the
 * push subscriptions devices registered (one per app, user and device). `capability_hash` is the
 * SHA-256 of the token the device's service worker declines calls with; the token itself is never kept.
 */
import type { Kysely, Migration } from 'kysely';

export const webPush: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('web_push_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('web_push_subscriptions')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('p256dh', 'text', (c) => c.notNull())
      .addColumn('auth', 'text', (c) => c.notNull())
      .addColumn('capability_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_ok_at', 'bigint')
      .addPrimaryKeyConstraint('web_push_subscriptions_pk', ['app_key', 'user_id', 'device_id'])
      .execute();
    // A decline from a service worker finds its subscription by the token's hash.
    await db.schema
      .createIndex('web_push_subscriptions_by_capability')
      .on('web_push_subscriptions')
      .column('capability_hash')
      .unique()
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('web_push_subscriptions').ifExists().execute();
    await db.schema.dropTable('web_push_keys').ifExists().execute();
  },
};
