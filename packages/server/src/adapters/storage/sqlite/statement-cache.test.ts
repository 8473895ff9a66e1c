import SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

/** An in-memory database that counts how often a statement is prepared. */
function countingDatabase(): { db: SqliteDatabase; prepared: () => number } {
  const sqlite = new SQLite(':memory:');
  let count = 0;
  return {
    db: {
      close: () => sqlite.close(),
      prepare: (sql: string) => {
        count += 1;
        return sqlite.prepare(sql);
      },
    },
    prepared: () => count,
  };
}

describe('withStatementCache', () => {
  it('prepares each SQL text once and reuses it with other parameters', () => {
    const counting = countingDatabase();
    const db = withStatementCache(counting.db);
    db.prepare('create table t (x integer)').run([]);
    for (let i = 0; i < 5; i += 1) db.prepare('insert into t (x) values (?)').run([i]);
    expect(db.prepare('select sum(x) as s from t').all([])).toEqual([{ s: 10 }]);
    expect(counting.prepared()).toBe(3);
    db.close();
  });

  it('stays within its bound', () => {
    const counting = countingDatabase();
    const db = withStatementCache(counting.db, 2);
    for (const n of [1, 2, 3, 1]) db.prepare(`select ${n}`);
    expect(counting.prepared()).toBe(4);
    db.close();
  });
});
