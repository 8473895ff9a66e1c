/** The `console_settings` table (migration 0011): one text value per name, written once; and logged-out sessions. */
import type { Kysely } from 'kysely';
import type { ConsoleSettingsStore } from '../../ports/index.js';
import type { Database } from './schema.js';

export function consoleSettingsStore(db: Kysely<Database>, now: () => number): ConsoleSettingsStore {
  const get = async (name: string): Promise<string | undefined> => {
    const row = await db.selectFrom('console_settings').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  };
  return {
    get,
    async putIfAbsent(name, value) {
      await db
        .insertInto('console_settings')
        .values({ name, value, created_at: now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const stored = await get(name);
      if (stored === undefined) throw new Error(`console setting ${name} was not stored`);
      return stored;
    },
    async revokeSession(sessionId, expiresAt, at) {
      await db.deleteFrom('console_revoked_sessions').where('expires_at', '<=', at).execute();
      await db
        .insertInto('console_revoked_sessions')
        .values({ session_id: sessionId, expires_at: expiresAt })
        .onConflict((oc) => oc.column('session_id').doNothing())
        .execute();
    },
    async isSessionRevoked(sessionId) {
      const row = await db
        .selectFrom('console_revoked_sessions')
        .select('session_id')
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
