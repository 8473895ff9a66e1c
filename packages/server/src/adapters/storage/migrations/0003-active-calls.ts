/** The call service's journal of calls in flight (closed properly after a crash). Portable types only. */
import type { Kysely, Migration } from 'kysely';

export const activeCalls: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('active_calls')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('active_calls_pk', ['app_key', 'call_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('active_calls').execute();
  },
};
