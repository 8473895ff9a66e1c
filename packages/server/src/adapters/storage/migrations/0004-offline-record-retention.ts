/**
 * Offline records are kept until a device acks them and dropped after a retention period: an index
 * on the storage time lets the periodic sweep find expired rows of every user. Portable (an index).
 */
import type { Kysely, Migration } from 'kysely';

export const offlineRecordRetention: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('offline_records_by_age').on('offline_records').column('added_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('offline_records_by_age').ifExists().execute();
  },
};
