/**
 * Cluster mode when Redis goes away (a private redis-server of this test, killed and started again
 * empty): calls in progress go on, readiness fails while liveness holds, a new call across nodes gets
 * CLUSTER_UNAVAILABLE (53221), and the cluster heals when Redis is back — leases, presence and the
 * user call index re-announced — so the call in progress ends normally and new calls work.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import { muteReachesPeer, placeAnsweredCall, remoteTrackReady, waitForCallRecord } from '../helpers/call-steps.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/private-redis.js';

let redis: PrivateRedis;
let cluster: TestCluster;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startCluster(['node-a', 'node-b'], {}, redis.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await cluster?.stop();
  await redis?.kill();
});

async function device(userId: string, nodeId: string): Promise<HeadlessClient> {
  const node = cluster.node(nodeId);
  const client = await connectHeadless([node.url], node.appKey, userId, await node.getToken(userId));
  clients.push(client);
  return client;
}

async function status(url: string, path: string): Promise<number> {
  return (await fetch(url + path, { signal: AbortSignal.timeout(5000) })).status;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe('cluster: Redis outage', () => {
  it('calls go on, /readyz fails and /healthz holds, new cross-node calls get 53221; after Redis returns everything heals', async () => {
    const a = cluster.node('node-a');
    const b = cluster.node('node-b');
    const caller = await device('oa', 'node-a');
    const callee = await device('ob', 'node-b');
    const { callId, callerSession, calleeSession } = await placeAnsweredCall(caller, callee);
    await Promise.all([remoteTrackReady(caller, callId), remoteTrackReady(callee, callId)]);
    expect([await status(a.url, '/readyz'), await status(b.url, '/readyz')]).toEqual([200, 200]);

    await redis.kill();
    await until(
      'readyz fails on both nodes',
      async () => (await status(a.url, '/readyz')) === 503 && (await status(b.url, '/readyz')) === 503,
    );
    expect([await status(a.url, '/healthz'), await status(b.url, '/healthz')]).toEqual([200, 200]);
    const other = await device('oc', 'node-a');
    const refused = await other.client.call({ targetId: 'ob', mediaType: RCCallMediaType.AUDIO, listener: other.listener() });
    expect(refused.code).toBe(RCCallErrorCode.CLUSTER_UNAVAILABLE);
    // A wrong end during the outage would be each device's first close: the hang-up below checks it.
    expect([...caller.closes, ...callee.closes].map((c) => c.summary.endReason)).toEqual([]);

    await redis.restart();
    await until(
      'readyz back on both nodes',
      async () => (await status(a.url, '/readyz')) === 200 && (await status(b.url, '/readyz')) === 200,
    );
    // Presence re-announced: signals of the call cross the nodes again, both ways.
    await muteReachesPeer(callerSession, callee, 15_000);
    await muteReachesPeer(calleeSession, caller, 15_000);
    await callerSession.hungup();
    const [callerClose, calleeClose] = await Promise.all([caller.waitForClose(callId, 10_000), callee.waitForClose(callId, 10_000)]);
    expect([callerClose.summary.endReason, calleeClose.summary.endReason]).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    const ledger = await openPostgresStorage({ url: cluster.database.url, poolSize: 1 });
    try {
      expect((await waitForCallRecord(ledger, a.appKey, callId)).endReason).toBe(RCCallEndReason.HANGUP);
    } finally {
      await ledger.close();
    }
    // A new call across the nodes works again.
    const again = await other.client.call({ targetId: 'ob', mediaType: RCCallMediaType.AUDIO, listener: other.listener() });
    expect(again.code).toBe(RCCallErrorCode.SUCCESS);
    await callee.waitFor('onSession', (c) => c.sessionId === again.session!.getSessionId());
    await again.session!.hungup();
  });
});
