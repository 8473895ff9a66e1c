import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache.js';

describe('withStatementCache', () => {
  it('prepares each SQL text once and reuses it with other parameters', () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const counting = { close: () => sqlite.close(), prepare: (sql: string) => ((prepared += 1), sqlite.prepare(sql)) };
    const db = withStatementCache(counting);
    db.prepare('create table t (x integer)').run([]);
    for (let i = 0; i < 5; i += 1) db.prepare('insert into t (x) values (?)').run([i]);
    expect(db.prepare('select sum(x) as s from t').all([])).toEqual([{ s: 10 }]);
    expect(prepared).toBe(3);
    db.close();
  });

  it('stays within its bound', () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const db = withStatementCache({ close: () => sqlite.close(), prepare: (sql: string) => ((prepared += 1), sqlite.prepare(sql)) }, 2);
    for (const n of [1, 2, 3, 1]) db.prepare(`select ${n}`);
    expect(prepared).toBe(4);
    db.close();
  });
});
