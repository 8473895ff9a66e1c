/**
 * The storage contract runs once per engine: `describeEachEngine` repeats a suite for SQLite
 * (`:memory:`) and Postgres (a fresh database created before the suite and dropped after it; tables
 * emptied before each test). Every database a test opens is closed after it.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { Storage } from '../../ports/index.js';
import { createKyselyStorage } from './kysely-storage.js';
import { migrateToLatest } from './migrations/index.js';
import { createPostgresKysely } from './postgres/open-postgres-storage.js';
import { createTestDatabase, type TestDatabase } from './postgres/test-database.test-support.js';
import type { Database } from './schema.js';
import { withStatementCache } from './sqlite/statement-cache.js';

export interface EngineUnderTest {
  readonly name: 'sqlite' | 'postgres';
  /** An empty, migrated database and the Storage on it (`now` = its clock). */
  open(now?: () => number): Promise<{ db: Kysely<Database>; storage: Storage }>;
  /** An empty database on which no migration has run. */
  blank(): Promise<Kysely<Database>>;
  /** Names of the indexes of `table`. */
  indexNames(db: Kysely<Database>, table: keyof Database): Promise<string[]>;
}

/** Every table, so that Postgres can empty them all between tests (exhaustive by type). */
const TABLES: Record<keyof Database, true> = {
  apps: true,
  users: true,
  groups: true,
  group_members: true,
  call_records: true,
  call_participants: true,
  blacklists: true,
  bans: true,
  rtc_bans: true,
  offline_records: true,
  active_calls: true,
  outbox: true,
  call_events: true,
  call_setup_timings: true,
  quality_samples: true,
  console_settings: true,
  console_revoked_sessions: true,
  web_push_keys: true,
  web_push_subscriptions: true,
};

/** The names of every OpenCall table (the `Database` type's keys). */
export const DATABASE_TABLES = Object.keys(TABLES) as (keyof Database)[];

function asUnknown(db: Kysely<Database>): Kysely<unknown> {
  return db as unknown as Kysely<unknown>;
}

function sqliteEngine(track: (db: Kysely<Database>) => void): EngineUnderTest {
  const blank = async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(new SQLite(':memory:')) }) });
    track(db);
    return db;
  };
  return {
    name: 'sqlite',
    blank,
    async open(now) {
      const db = await blank();
      await migrateToLatest(asUnknown(db));
      return { db, storage: createKyselyStorage(db, now) };
    },
    async indexNames(db, table) {
      const result = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(db);
      return result.rows.map((r) => r.name);
    },
  };
}

function postgresEngine(track: (db: Kysely<Database>) => void, databases: TestDatabase[], shared: () => TestDatabase): EngineUnderTest {
  const connect = (url: string) => {
    const db = createPostgresKysely({ url, poolSize: 4 });
    track(db);
    return db;
  };
  return {
    name: 'postgres',
    async blank() {
      const database = await createTestDatabase();
      databases.push(database);
      return connect(database.url);
    },
    async open(now) {
      const db = connect(shared().url);
      await sql`truncate table ${sql.join(Object.keys(TABLES).map((t) => sql.table(t)))}`.execute(db);
      return { db, storage: createKyselyStorage(db, now) };
    },
    async indexNames(db, table) {
      const result = await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = ${table}`.execute(db);
      return result.rows.map((r) => r.name);
    },
  };
}

/** Runs `body` once per storage engine, inside `describe('<engine>')`. */
export function describeEachEngine(title: string, body: (engine: EngineUnderTest) => void): void {
  describe.each(['sqlite', 'postgres'] as const)(`${title} [%s]`, (name) => {
    const opened: Kysely<Database>[] = [];
    const databases: TestDatabase[] = [];
    let shared: TestDatabase | undefined;
    const track = (db: Kysely<Database>) => opened.push(db);
    const engine =
      name === 'sqlite'
        ? sqliteEngine(track)
        : postgresEngine(track, databases, () => {
            if (!shared) throw new Error('the Postgres test database was not created (see the beforeAll error)');
            return shared;
          });

    if (name === 'postgres') {
      beforeAll(async () => {
        shared = await createTestDatabase();
        databases.push(shared);
        const db = createPostgresKysely({ url: shared.url, poolSize: 1 });
        try {
          await migrateToLatest(asUnknown(db));
        } finally {
          await db.destroy();
        }
      });
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((db) => db.destroy()));
    });
    afterAll(async () => {
      await Promise.all(databases.splice(0).map((d) => d.drop()));
    });

    body(engine);
  });
}
