/**
 * The cluster storage: Postgres (node-postgres pool) behind the same Kysely queries and migrations as
 * SQLite. BIGINT (ms timestamps, COUNT) is parsed to a number, refusing values past 2^53; several
 * nodes may open (and migrate) one database at once: Kysely's migrator holds a Postgres advisory
 * lock and runs the pending migrations in one transaction.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { redactDatabaseUrl } from '../../../config.js';
import type { Storage } from '../../../ports/index.js';
import { createKyselyStorage } from '../kysely-storage.js';
import { migrateToLatest } from '../migrations/index.js';
import type { Database } from '../schema.js';

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database` (also `postgresql://`). */
  url: string;
  /** Connections the pool may open (default 10). */
  poolSize?: number;
  /** How long one connection attempt may take before it fails (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Errors of idle pooled connections (e.g. the server restarted); the pool replaces them. Gets a
   * plain Error (message and code): pg's own carries the client and its connection parameters.
   */
  onIdleError?: (error: Error) => void;
  /** Clock for created/joined times (tests). */
  now?: () => number;
}

const INT8_OID = 20;

/** BIGINT text → number; a value a JavaScript number cannot hold exactly is an error, not a rounding. */
export function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} is outside the safe integer range`);
  return value;
}

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary' ? parseBigint : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // A refused connection to a name with several addresses is an AggregateError with an empty message.
  const code = (error as NodeJS.ErrnoException).code;
  return error.message || code || error.name;
}

function plainError(error: Error): Error {
  const plain: Error & { code?: string } = new Error(error.message);
  plain.code = (error as NodeJS.ErrnoException).code;
  return plain;
}

/**
 * A Kysely instance on a new pool (no connection made yet, no migrations run). Its per-pool type
 * parsers leave the global `pg.types` alone.
 */
export function createPostgresKysely(options: PostgresStorageOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'opencall',
    types: { getTypeParser },
  });
  pool.on('error', (error) => options.onIdleError?.(plainError(error)));
  // A connection that dies while checked out emits 'error' on its client, which has no listener
  // then (the pool only listens to idle ones): unhandled, that would crash the process. Its query
  // fails on its own, so the event only needs to be taken.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onIdleError?.(plainError(error)));
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Connects to the database at `options.url`, migrates it to the latest schema and returns the Storage.
 * Throws a clear error (password masked) when Postgres cannot be reached.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const db = createPostgresKysely(options);
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new Error(`cannot connect to Postgres at ${redactDatabaseUrl(options.url)}: ${reasonOf(error)}`, {
      cause: error instanceof Error ? plainError(error) : error,
    });
  }
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStorage(db, options.now);
}
