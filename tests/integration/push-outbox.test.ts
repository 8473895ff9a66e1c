/**
 * Push notices go through a durable outbox: written with the call change that caused them, delivered
 * by a worker that retries with backoff, at least once, with a stable id. Faults done for real
 * against the server process and a push receiver on 127.0.0.1: the receiver refuses the first two
 * attempts; the server is killed with SIGKILL while the receiver holds a delivery open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallMediaType, type RCCallSession } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconnected } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

/** One POST the receiver got, and what it answered (0 = never answered). */
interface Delivery {
  header: string | undefined;
  webhookId: string | undefined;
  body: Record<string, unknown>;
  status: number;
  at: number;
}

type Answer = { status: number } | 'hold';

const deliveries: Delivery[] = [];
/** Decides the answer to each POST; answers 200 unless a test says otherwise. */
let answer: (body: Record<string, unknown>, headers: IncomingHttpHeaders) => Answer = () => ({ status: 200 });
const held: ServerResponse[] = [];
const receiver = createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => {
    text += chunk;
  });
  req.on('end', () => {
    const body = JSON.parse(text) as Record<string, unknown>;
    const delivery: Delivery = {
      header: req.headers['idempotency-key'] as string | undefined,
      webhookId: req.headers['webhook-id'] as string | undefined,
      body,
      status: 0,
      at: Date.now(),
    };
    deliveries.push(delivery);
    const decided = answer(body, req.headers);
    if (decided === 'hold') {
      held.push(res);
      return;
    }
    delivery.status = decided.status;
    res.statusCode = decided.status;
    res.end(decided.status < 300 ? 'ok' : 'try again');
  });
});
let receiverUrl = '';

const clients: HeadlessClient[] = [];
const servers: ServerProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'opencall-outbox-'));

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/push`;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  for (const server of servers) await server.stop().catch(() => undefined);
  for (const res of held) res.destroy();
  receiver.closeAllConnections();
  receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({
    dataDir,
    env: { ...(port ? { PORT: String(port) } : {}), OPENCALL_PUSH_WEBHOOK_URL: receiverUrl, OPENCALL_RING_TIMEOUT_MS: '120000' },
  });
  servers.push(server);
  return server;
}

/** The 'call' notices the receiver got for `userId`. */
const callNoticesFor = (userId: string) => deliveries.filter((d) => d.body.userId === userId && d.body.kind === 'call');

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return condition();
}

/** `caller` (connected to `server`) calls `calleeId`, who has no device connected. */
async function callOffline(
  server: ServerProcess,
  callerId: string,
  calleeId: string,
): Promise<{ caller: HeadlessClient; session: RCCallSession }> {
  const caller = await connectHeadless(server.url, server.appKey, callerId, await server.getToken(callerId));
  clients.push(caller);
  await server.getToken(calleeId);
  const placed = await caller.client.call({ targetId: calleeId, mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
  expect(placed.session).toBeDefined();
  return { caller, session: placed.session! };
}

describe('push outbox', () => {
  it('a receiver that fails the first two attempts gets the notice exactly once after retries, with the same id', async () => {
    const server = await start();
    let refusals = 0;
    answer = (body) => {
      if (body.userId === 'obB1' && body.kind === 'call' && refusals < 2) {
        refusals += 1;
        return { status: 503 };
      }
      return { status: 200 };
    };
    const { session } = await callOffline(server, 'obA1', 'obB1');
    const ackedAt = Date.now();
    const delivered = () => callNoticesFor('obB1').filter((d) => d.status === 200).length;
    await until(() => delivered() >= 1, 15_000);
    // The hang-up's notice has the same order key (call, user): it leaves only once the invite's row
    // is done, so a duplicate of the invite would reach the receiver before it.
    await session.hungup();
    expect(
      await until(() => deliveries.some((d) => d.body.userId === 'obB1' && d.body.kind === 'hangup' && d.status === 200), 10_000),
    ).toBe(true);
    const notices = callNoticesFor('obB1');
    expect(notices.map((d) => d.status)).toEqual([503, 503, 200]);
    // README: the first attempt leaves ≈2 ms after the caller's acknowledgement (the commit nudges the
    // worker); seen here with the receiver's HTTP parsing: 14–32 ms. Bounded below the worker's 250 ms
    // poll, so a nudge that stopped working shows (in most runs: a poll may fall early).
    const firstAttemptMs = notices[0]!.at - ackedAt;
    console.log(`[push-outbox] first attempt ${firstAttemptMs} ms after the caller's acknowledgement`);
    expect(firstAttemptMs).toBeLessThan(150);
    const id = notices[0]!.body.id;
    expect(typeof id).toBe('string');
    for (const notice of notices) {
      expect(notice.body.id).toBe(id);
      expect(notice.header).toBe(id);
      expect(notice.webhookId).toBe(id);
      expect(notice.body).toMatchObject({ kind: 'call', sender: { userId: 'obA1' } });
    }
    // Backoff: 1 s after the first refusal, 5 s after the second.
    expect(notices[1]!.at - notices[0]!.at).toBeGreaterThanOrEqual(900);
    expect(notices[2]!.at - notices[1]!.at).toBeGreaterThanOrEqual(4500);
    await server.stop();
  }, 60_000);

  it('a receiver that is down (connection refused) gets the notice at the retry once it is up', async () => {
    // A free port with nothing listening on it yet.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const late: Record<string, unknown>[] = [];
    const lateReceiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => {
        text += chunk;
      });
      req.on('end', () => {
        late.push({ ...(JSON.parse(text) as Record<string, unknown>), header: req.headers['idempotency-key'] });
        res.end('ok');
      });
    });
    const server = await startServerProcess({ env: { OPENCALL_PUSH_WEBHOOK_URL: `http://127.0.0.1:${port}/push` } });
    servers.push(server);
    try {
      await callOffline(server, 'obE1', 'obF1');
      // The first attempt is refused; the receiver comes up before the retry (1 s later).
      expect(await until(() => server.logs().includes('delivery failed; will retry'), 3000)).toBe(true);
      await new Promise<void>((resolve) => lateReceiver.listen(port, '127.0.0.1', resolve));
      expect(await until(() => late.some((n) => n.userId === 'obF1'), 5000)).toBe(true);
      expect(server.logs()).toContain('push webhook unreachable');
      const [notice] = late.filter((n) => n.userId === 'obF1');
      expect(notice).toMatchObject({ kind: 'call', header: notice!.id });
    } finally {
      await server.stop();
      lateReceiver.close();
    }
  }, 60_000);

  it('kill -9 while the receiver holds the delivery open: after a restart on the same data dir the notice arrives, same id', async () => {
    const first = await start();
    const port = Number(new URL(first.url).port);
    answer = (body) => (body.userId === 'obD1' ? 'hold' : { status: 200 });
    const { caller } = await callOffline(first, 'obC1', 'obD1');
    expect(await until(() => callNoticesFor('obD1').length >= 1, 5000)).toBe(true);
    const id = callNoticesFor('obD1')[0]!.body.id;

    await first.kill('SIGKILL');
    answer = () => ({ status: 200 });
    await start(port);
    await reconnected(caller);
    const deliveredAfterRestart = () => callNoticesFor('obD1').filter((d) => d.status === 200);
    await until(() => deliveredAfterRestart().length >= 1, 20_000);
    expect(deliveredAfterRestart().length).toBeGreaterThanOrEqual(1);
    expect(typeof id).toBe('string');
    for (const notice of callNoticesFor('obD1')) {
      expect(notice.body.id).toBe(id);
      expect(notice.header).toBe(id);
    }
  }, 45_000);
});
