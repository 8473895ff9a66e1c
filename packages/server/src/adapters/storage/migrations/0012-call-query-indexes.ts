/**
 * Indexes of the call read queries (services/insights): peak concurrency looks for the calls still
 * running in a range, i.e. ended after its start (`end_at > from`), which the created_at index
 * cannot answer without scanning every earlier call.
 */
import type { Kysely, Migration } from 'kysely';

export const callQueryIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('call_records_by_end').on('call_records').columns(['app_key', 'end_at']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('call_records_by_end').ifExists().execute();
  },
};
