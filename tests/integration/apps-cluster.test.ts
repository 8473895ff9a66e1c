/**
 * App administration in cluster mode: two real nodes in this process (so the test holds node A's
 * `apps`, as the console would), one fresh Postgres database, the machine's Redis under a random
 * cluster name. A change made on node A reaches node B through the node bus at once — well inside the
 * 5 s lifetime of B's cached lookups: a disabled key's device on B is closed with 31008 and B answers
 * the key's server-API requests with 1006; a rotated secret's successor signs on B; a per-app webhook
 * URL set on A is used for a call that B runs.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PROTOCOL_VERSION, ServerApiCode } from '@opencall/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import { type RunningServer, startServer } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import type { AppCredentials } from '../../packages/server/src/ports/insights.js';
import { placeAnsweredCall } from '../helpers/call-steps.js';
import { TEST_REDIS_URL } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { encodeForm, readReply, signingHeaders } from '../helpers/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let database: TestDatabase;
let receiver: WebhookReceiver;
let nodeA: RunningServer;
let nodeB: RunningServer;
const dirs: string[] = [];
const clients: HeadlessClient[] = [];
/** Well under the app cache's 5 s: a change must arrive by the bus, not by expiry. */
const BUS_BOUND_MS = 2000;

async function startNode(nodeId: string, cluster: string): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencall-apps-cluster-'));
  dirs.push(dataDir);
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    OPENCALL_DATA_DIR: dataDir,
    OPENCALL_APP_KEY: 'clusterappkey01',
    OPENCALL_APP_SECRET: 'cluster-app-secret-0001',
    OPENCALL_SFU: 'off',
    OPENCALL_DATABASE_URL: database.url,
    OPENCALL_REDIS_URL: TEST_REDIS_URL,
    OPENCALL_CLUSTER: cluster,
    OPENCALL_NODE_ID: nodeId,
    OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
  });
  return startServer(config, pino({ level: 'silent' }));
}

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
  const cluster = `test-${randomBytes(5).toString('hex')}`;
  nodeA = await startNode('node-a', cluster);
  nodeB = await startNode('node-b', cluster);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await nodeA?.close().catch(() => undefined);
  await nodeB?.close().catch(() => undefined);
  await receiver?.close();
  await database?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function signedPost(node: RunningServer, credentials: AppCredentials, path: string, form: Record<string, string>) {
  const response = await fetch(`${node.url}${path}`, {
    method: 'POST',
    headers: { ...signingHeaders(credentials.appKey, credentials.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: encodeForm(form),
  });
  return readReply(response);
}

/** Polls until `done` holds, bounded by `timeoutMs`; returns how long it took, or throws. */
async function within<T>(timeoutMs: number, probe: () => Promise<T>, done: (value: T) => boolean): Promise<number> {
  const started = Date.now();
  let last: T | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await probe();
    if (done(last)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

describe('apps in cluster mode', () => {
  it('disable on node A: node B closes the key’s device (31008) and refuses its API (1006) at once', async () => {
    const { production } = await nodeA.apps.create('Clustered');
    // Node B has the app cached (a signed request and a connect).
    expect((await signedPost(nodeB, production, '/user/checkOnline.json', { userId: 'x' })).body.code).toBe(200);
    const token = await nodeB.tokens.issue(production.appKey, 'onb');
    const ws = new WebSocket(`${nodeB.url.replace('http', 'ws')}/ws`);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: production.appKey, token, deviceId: 'onb-d' }));
    await within(
      5000,
      async () => frames,
      (f) => f.some((x) => x.t === 'welcome'),
    );

    await nodeA.apps.setDisabled(production.appKey, true);
    const closedMs = await within(
      BUS_BOUND_MS,
      async () => frames,
      (f) => f.some((x) => x.t === 'bye'),
    );
    expect(frames.find((x) => x.t === 'bye')).toMatchObject({ code: ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED });
    const refusedMs = await within(
      BUS_BOUND_MS,
      () => signedPost(nodeB, production, '/user/checkOnline.json', { userId: 'x' }),
      (reply) => reply.body.code === ServerApiCode.APP_LOCKED,
    );
    console.log(`METRIC apps_cluster_disable_propagation close_ms=${closedMs} api_refused_ms=${refusedMs}`);
    ws.terminate();
  });

  it('rotate on node A: the new secret signs on node B at once (its cached old record dropped)', async () => {
    const { production } = await nodeA.apps.create('Rotated');
    expect((await signedPost(nodeB, production, '/user/checkOnline.json', { userId: 'x' })).body.code).toBe(200);
    const rotated = await nodeA.apps.rotateSecret(production.appKey, 0);
    const fresh = { appKey: production.appKey, appSecret: rotated.appSecret };
    await within(
      BUS_BOUND_MS,
      () => signedPost(nodeB, fresh, '/user/checkOnline.json', { userId: 'x' }),
      (reply) => reply.body.code === 200,
    );
    expect((await signedPost(nodeB, production, '/user/checkOnline.json', { userId: 'x' })).body.code).toBe(ServerApiCode.SIGNATURE_FAILED);
  });

  it('a per-app webhook URL set on node A is used by a call node B runs', async () => {
    const { production } = await nodeA.apps.create('HookedCluster');
    await nodeA.apps.setCallbacks(production.appKey, { webhookUrl: `${receiver.url}/cluster-hooks` });
    await new Promise((r) => setTimeout(r, 300)); // the bus message reaches B
    const connect = async (userId: string) => {
      const client = await connectHeadless(nodeB.url, production.appKey, userId, await nodeB.tokens.issue(production.appKey, userId));
      clients.push(client);
      return client;
    };
    const { callId, callerSession } = await placeAnsweredCall(await connect('hc1'), await connect('hc2'));
    await callerSession.hungup();
    const ended = () =>
      receiver.hooks.some(
        (h) => h.path === '/cluster-hooks' && h.body.type === 'call.ended' && (h.body.data as { callId?: string }).callId === callId,
      );
    expect(await receiver.until(ended, 10_000)).toBe(true);
  });
});
