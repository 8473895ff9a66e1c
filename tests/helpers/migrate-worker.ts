/**
 * Child process of the concurrent-migration test: `node --import tsx migrate-worker.ts <url>` opens
 * its own pool, prints `{"ready":true}`, waits for `go` on stdin, migrates to the latest schema and
 * prints which migrations it ran (`{"ran":[…],"startedAt":…,"endedAt":…}`) or `{"error":…}` (exit 1).
 */
import { createInterface } from 'node:readline';
import { type Kysely, sql } from 'kysely';
import { migrateToLatest } from '../../packages/server/src/adapters/storage/migrations/index.js';
import { createPostgresKysely } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';

const url = process.argv[2];
if (!url) throw new Error('usage: migrate-worker.ts <postgres url>');
const db = createPostgresKysely({ url, poolSize: 2 });
let exitCode = 1;
try {
  await sql`select 1`.execute(db);
  console.log(JSON.stringify({ ready: true }));
  for await (const line of createInterface({ input: process.stdin })) if (line.trim() === 'go') break;
  const startedAt = Date.now();
  const result = await migrateToLatest(db as unknown as Kysely<unknown>);
  const ran = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  console.log(JSON.stringify({ ran, startedAt, endedAt: Date.now() }));
  exitCode = 0;
} catch (error) {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
} finally {
  await db.destroy();
}
process.exit(exitCode);
