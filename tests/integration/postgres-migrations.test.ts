/**
 * Nodes of a cluster start together: several processes, each with its own pool, migrate one fresh
 * Postgres database at the same moment. Every one must succeed and every migration must run exactly
 * once (Kysely's migrator serialises them with a Postgres advisory lock).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../packages/server/src/adapters/storage/migrations/index.js';
import { createPostgresKysely } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import { DATABASE_TABLES } from '../../packages/server/src/adapters/storage/storage-engines.test-support.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const WORKERS = 4;
const READY_DEADLINE_MS = 20_000;
const RUN_DEADLINE_MS = 20_000;

interface WorkerReport {
  ran?: string[];
  startedAt?: number;
  endedAt?: number;
  error?: string;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<{ code: number | null; report: WorkerReport | undefined; output: string }>;
}

let database: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.drop();
});

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function startWorker(url: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/migrate-worker.ts', url], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const reports: WorkerReport[] = [];
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolveReady) => {
    onReady = resolveReady;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as WorkerReport & { ready?: boolean };
      if (message.ready) onReady();
      else reports.push(message);
    }
  });
  const done = new Promise<{ code: number | null; report: WorkerReport | undefined; output: string }>((resolveDone) => {
    child.once('exit', (code) => resolveDone({ code, report: reports[0], output }));
  });
  return { child, ready, done };
}

describe('migrations from several nodes at once', () => {
  it(`${WORKERS} processes migrating one fresh database together: all succeed, each migration runs exactly once`, async () => {
    const workers = Array.from({ length: WORKERS }, () => startWorker(database.url));
    await withDeadline(Promise.all(workers.map((w) => w.ready)), READY_DEADLINE_MS, 'workers connecting');
    for (const worker of workers) worker.child.stdin?.write('go\n');
    const results = await withDeadline(Promise.all(workers.map((w) => w.done)), RUN_DEADLINE_MS, 'workers migrating');

    for (const result of results) expect(result.code, result.output).toBe(0);
    const ran = results.flatMap((r) => r.report?.ran ?? []);
    expect(ran.sort()).toEqual(Object.keys(MIGRATIONS).sort());
    // They really ran together: every worker had started before the one that migrated had finished.
    const migrator = results.find((r) => (r.report?.ran ?? []).length > 0)!.report!;
    for (const result of results) expect(result.report!.startedAt!).toBeLessThanOrEqual(migrator.endedAt!);

    const db = createPostgresKysely({ url: database.url, poolSize: 1 }) as unknown as Kysely<unknown>;
    try {
      const rows = await sql<{ name: string }>`select name from opencall_migrations order by name`.execute(db);
      expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      const tables = await sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = 'public'`.execute(
        db,
      );
      // Every OpenCall table plus Kysely's two bookkeeping tables.
      expect(Number(tables.rows[0]?.n)).toBe(DATABASE_TABLES.length + 2);
    } finally {
      await db.destroy();
    }
  });
});
