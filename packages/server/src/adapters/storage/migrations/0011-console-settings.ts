/**
 * Console settings shared by every node (issue 13): the generated admin password's hash and the key
 * that signs console session cookies, so a session made on one node is valid on all of them; and the
 * sessions logged out before they expired (refused on every node until then).
 */
import type { Kysely, Migration } from 'kysely';

export const consoleSettings: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('console_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('console_revoked_sessions')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('console_revoked_sessions').ifExists().execute();
    await db.schema.dropTable('console_settings').ifExists().execute();
  },
};
