/** The `console_settings` table (migration 0011): one text value per name, written once. */
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
  };
}
