/**
 * Who owns each call in flight (cluster mode): the node applying its transitions and the fencing
 * epoch every journal write must match (a node that lost the call cannot overwrite it).
 */
import type { Kysely, Migration } from 'kysely';

export const callOwnership: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('active_calls')
      .addColumn('owner_node', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('active_calls')
      .addColumn('owner_epoch', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.createIndex('active_calls_owner').on('active_calls').column('owner_node').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('active_calls_owner').execute();
    await db.schema.alterTable('active_calls').dropColumn('owner_epoch').execute();
    await db.schema.alterTable('active_calls').dropColumn('owner_node').execute();
  },
};
