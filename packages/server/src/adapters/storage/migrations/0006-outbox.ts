/**
 * The transactional outbox (push notices; webhooks later): rows inserted with the change that caused
 * them, claimed by a node for a lease, deleted once delivered, kept as dead letters when given up.
 * Portable types only; nullable columns hold the claim, the last error and the give-up time.
 */
import type { Kysely, Migration } from 'kysely';

export const outbox: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('order_key', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'bigint')
      .addColumn('failed_at', 'bigint')
      .execute();
    // Claiming scans due rows; ordering looks for earlier rows of the same key; pruning finds dead letters.
    await db.schema.createIndex('outbox_by_due').on('outbox').column('due_at').execute();
    await db.schema.createIndex('outbox_by_order').on('outbox').columns(['order_key', 'created_at', 'id']).execute();
    await db.schema.createIndex('outbox_by_failure').on('outbox').column('failed_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('outbox').ifExists().execute();
  },
};
