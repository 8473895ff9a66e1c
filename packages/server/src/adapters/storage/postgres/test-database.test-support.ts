/**
 * Throw-away Postgres databases for tests: each gets a random name (`CREATE DATABASE … TEMPLATE
 * template0`, which no one connects to, so parallel test files never collide on a busy template1)
 * and is dropped afterwards; no other database is touched. Postgres is required (it runs locally and
 * in CI): an unreachable server fails the test with a message saying so, it never skips.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance database tests connect to for CREATE/DROP DATABASE (env OPENCALL_TEST_POSTGRES_URL). */
export const POSTGRES_ADMIN_URL = process.env.OPENCALL_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
    throw new Error(
      `these tests need PostgreSQL at ${POSTGRES_ADMIN_URL} (trust auth, as on the dev machines and in CI; ` +
        `another server: set OPENCALL_TEST_POSTGRES_URL): ${reason}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `opencall_test_<random>` on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `opencall_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database "${name}" template template0`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
