/**
 * better-sqlite3 behind Kysely prepares every query afresh (≈14 % of the server's CPU under load).
 * Queries repeat with different parameters, so a statement is prepared once per SQL text and reused;
 * the cache is bounded (oldest dropped) since SQL texts with inlined values could otherwise grow it.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(database: SqliteDatabase, maxStatements = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = database.prepare(sql);
      if (cache.size >= maxStatements) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}
