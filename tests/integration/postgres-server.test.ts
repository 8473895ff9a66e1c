/**
 * The real server on Postgres (OPENCALL_DATABASE_URL → a fresh database): a 1:1 call is stored
 * there; `kill -9` mid-call and a restart on the same database close the call with NETWORK_ERROR;
 * a database that cannot be reached, or a malformed URL, stops the start-up with a clear error.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RCCallEndReason, RCCallErrorCode } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { crashDuringCall, placeAnsweredCall, waitForCallRecord } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

let database: TestDatabase;
let storage: Storage;
const clients: HeadlessClient[] = [];
const servers: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  for (const s of servers) await s.stop().catch(() => undefined);
  await storage?.close();
  await database?.drop();
});

async function start(port?: number): Promise<ServerProcess> {
  const env = { OPENCALL_DATABASE_URL: database.url, OPENCALL_DRAIN_TIMEOUT_MS: '300', ...(port ? { PORT: String(port) } : {}) };
  const server = await startServerProcess({ env });
  servers.push(server);
  return server;
}

/** The test's own view of the server's database (opened after the server migrated it). */
async function ledger(): Promise<Storage> {
  storage ??= await openPostgresStorage({ url: database.url, poolSize: 2 });
  return storage;
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('server on Postgres', () => {
  it('a 1:1 call placed, answered and hung up is recorded in Postgres (and no SQLite file is made)', async () => {
    const server = await start();
    const a = await connectHeadless(server.url, server.appKey, 'pgAlice', await server.getToken('pgAlice'));
    const b = await connectHeadless(server.url, server.appKey, 'pgBob', await server.getToken('pgBob'));
    clients.push(a, b);
    const startedAt = Date.now();
    const { callId, callerSession } = await placeAnsweredCall(a, b);
    await new Promise((r) => setTimeout(r, 50));
    expect((await callerSession.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.HANGUP);
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);

    const record = await waitForCallRecord(await ledger(), server.appKey, callId);
    expect(record).toMatchObject({ callerId: 'pgAlice', targetId: 'pgBob', endReason: RCCallEndReason.HANGUP });
    expect(record.createdAt).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(record.beginAt).toBeGreaterThanOrEqual(record.createdAt);
    expect(record.endAt).toBeGreaterThan(record.beginAt);
    expect(record.durationMs).toBeGreaterThan(0);
    expect(Object.fromEntries(record.participants.map((p) => [p.userId, p.endReason]))).toEqual({
      pgAlice: RCCallEndReason.HANGUP,
      pgBob: RCCallEndReason.REMOTE_HANGUP,
    });
    expect(await (await ledger()).users.get(server.appKey, 'pgAlice')).toMatchObject({ userId: 'pgAlice' });
    expect(existsSync(join(server.dataDir, 'opencall.sqlite'))).toBe(false);
  });

  it('kill -9 mid-call, restart on the same database: the call goes on, a later hang-up gives 3 / 13 and a complete record', async () => {
    const { callId, restarted, closedDuringRestart, summaries } = await crashDuringCall(start, ['pgCrashA', 'pgCrashB'], clients);
    expect(closedDuringRestart).toEqual([]);
    expect(summaries.map((s) => s.endReason)).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);

    const record = await waitForCallRecord(await ledger(), restarted.appKey, callId);
    expect(record).toMatchObject({ callerId: 'pgCrashA', endReason: RCCallEndReason.HANGUP });
    expect(record.beginAt).toBeGreaterThan(0);
    expect(record.participants.map((p) => p.endReason)).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    expect(await (await ledger()).activeCalls.all()).toEqual([]);
  });

  it('an unreachable Postgres stops the start-up with a clear error and exit code 1, no hang', async () => {
    const url = `postgres://opencall:s3cret@127.0.0.1:${await closedPort()}/opencall`;
    const started = Date.now();
    const failure = await startServerProcess({ env: { OPENCALL_DATABASE_URL: url } }).then(
      (server) => {
        servers.push(server);
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/server exited during startup \(code 1,/);
    expect(failure?.message).toMatch(
      /cannot connect to Postgres at postgres:\/\/opencall:\*\*\*@127\.0\.0\.1:\d+\/opencall: .*ECONNREFUSED/,
    );
    expect(failure?.message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a malformed OPENCALL_DATABASE_URL stops the start-up with a clear error', async () => {
    const failure = await startServerProcess({ env: { OPENCALL_DATABASE_URL: 'mysql://u:hunter2@127.0.0.1/db' } }).then(
      (server) => {
        servers.push(server);
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/server exited during startup \(code 1,/);
    expect(failure?.message).toContain('OPENCALL_DATABASE_URL must look like postgres://');
    expect(failure?.message).not.toContain('hunter2');
  });
});
