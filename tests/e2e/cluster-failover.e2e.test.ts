/**
 * Cluster mode in real Chromium: three nodes on a private Postgres and a private Redis (started inside
 * the test's network namespace, where the machine's shared ones are out of reach). A 1:1 video call
 * whose two users sit on different nodes: the caller on node A (which therefore owns the call), the
 * callee on node B. Node A is killed (`kill -9`) mid-call. P2P media never touched it, so video must
 * keep being decoded both ways; the caller's SDK moves to the next node of its `navigators`; a live
 * node takes the call over; the call is never closed; a later hang-up gives HANGUP (3) / REMOTE_HANGUP
 * (13). Times are printed as `[e2e-timing]` lines.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { bothDecode, expectCallGoesOn, hangUpAndCheck, IM_CONNECTED, placeVideoCall, printTiming } from './harness/failover-steps.js';
import { type NodesEnv, startNodesEnv } from './harness/nodes-env.js';
import { type PrivateServices, startPrivateServices } from './harness/private-services.js';
import { expectWithinClaim } from './harness/readme-claims.js';

const BUDGET_MS = 120_000;
const NODES = ['node-a', 'node-b', 'node-c'];

/** How many times `userId` connected to `server` (its "device connected" debug log lines). */
function connectionsOn(server: ServerProcess, userId: string): number {
  return server
    .logs()
    .split('\n')
    .filter((line) => line.includes('"msg":"device connected"') && line.includes(`"userId":"${userId}"`)).length;
}

/** The nodes among `nodeIds` whose logs show `userId` connected, polled (bounded: the log line may trail the welcome). */
async function nodesWith(env: NodesEnv, userId: string, nodeIds: string[], timeoutMs = 3_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = nodeIds.filter((id) => connectionsOn(env.node(id), userId) > 0);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls (bounded) until the call's row names an owner other than `formerOwner`; resolves with it and when it was seen. */
async function waitForNewOwner(ledger: Storage, appKey: string, callId: string, formerOwner: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const row = await ledger.activeCalls.get(appKey, callId);
    if (row === undefined) return { owner: undefined, at: Date.now() };
    if (row.ownerNode !== formerOwner) return { owner: row.ownerNode, epoch: row.ownerEpoch, at: Date.now() };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`call ${callId} still owned by ${formerOwner} after ${timeoutMs} ms`);
}

describe('cluster failover under a 1:1 video call (3 nodes, private Postgres + Redis)', () => {
  let services: PrivateServices;
  let env: NodesEnv;
  let ledger: Storage;

  beforeAll(async () => {
    services = await startPrivateServices('cluster-failover', BUDGET_MS);
    const cluster = `e2e-${randomBytes(4).toString('hex')}`;
    env = await startNodesEnv({
      label: 'cluster-failover',
      budgetMs: BUDGET_MS,
      nodeIds: NODES,
      nodeEnv: (nodeId) => ({
        OPENCALL_DATABASE_URL: services.postgresUrl,
        OPENCALL_REDIS_URL: services.redisUrl,
        OPENCALL_CLUSTER: cluster,
        OPENCALL_NODE_ID: nodeId,
        LOG_LEVEL: 'debug',
      }),
      onTeardown: () => services.stop(),
    });
    ledger = await openPostgresStorage({ url: services.postgresUrl, poolSize: 2 });
  });

  afterAll(async () => {
    await ledger?.close();
    await env?.close();
    await services?.stop();
  });

  it("kill -9 of the caller's node (the call's owner): video flows both ways, the caller moves to another node, the call goes on, hang-up gives 3 / 13", async () => {
    const caller = await env.openSdkUser('fo-caller', ['node-a', 'node-b', 'node-c']);
    const callee = await env.openSdkUser('fo-callee', ['node-b', 'node-c', 'node-a']);
    expect(await nodesWith(env, 'fo-caller', NODES), 'the caller starts on node A').toEqual(['node-a']);
    expect(await nodesWith(env, 'fo-callee', NODES), 'the callee starts on node B').toEqual(['node-b']);

    const callId = await placeVideoCall(caller, callee);
    const { appKey } = env.node('node-a');
    expect((await ledger.activeCalls.get(appKey, callId))?.ownerNode, "the caller's node owns the call").toBe('node-a');

    const killedAt = Date.now();
    await env.kill('node-a');
    const takeover = waitForNewOwner(ledger, appKey, callId, 'node-a');
    takeover.catch(() => undefined); // awaited below; no unhandled rejection meanwhile

    // The caller's SDK notices and moves on; meanwhile video keeps being decoded both ways.
    const [callerBack] = await Promise.all([
      caller.waitForSince({ name: 'im', event: 'CONNECTED' }, killedAt, 15_000),
      bothDecode(caller, callee, 30, 10_000),
    ]);
    const framesCheckedAt = Date.now();
    expect(await caller.imStatus()).toBe(IM_CONNECTED);
    const movedTo = await nodesWith(env, 'fo-caller', ['node-b', 'node-c']);
    expect(movedTo, 'the caller reconnected to one live node').toHaveLength(1);
    // The callee's node never went away: its connection never dropped.
    expect(await callee.events({ name: 'im', event: 'SUSPEND' })).toEqual([]);
    expect(await callee.imStatus()).toBe(IM_CONNECTED);

    await expectCallGoesOn(callId, caller, callee);
    await bothDecode(caller, callee, 30, 10_000);
    await expectCallGoesOn(callId, caller, callee);

    const hangupAt = Date.now();
    const closedAt = await hangUpAndCheck(caller, callee, callId);
    const owner = await takeover;
    expect(owner.owner === undefined || owner.owner !== 'node-a', 'a live node took the call over (or it is closed)').toBe(true);
    const record = await ledger.calls.get(appKey, callId);
    expect(record, 'the call record was written by the node that took over').toMatchObject({ callerId: 'fo-caller', endReason: 3 });
    printTiming(`cluster failover: kill -9 of the owner node (caller moved to ${movedTo[0]}, call taken by ${owner.owner ?? '-'})`, {
      killToCallerReconnectedMs: callerBack.at - killedAt,
      killToFramesCheckedMs: framesCheckedAt - killedAt,
      killToTakeoverSeenMs: owner.at - killedAt,
      hangupToCloseMs: closedAt - hangupAt,
      killToHangupAnsweredMs: closedAt - killedAt,
    });
    expectWithinClaim('clusterCallerReconnected', callerBack.at - killedAt);
    // A row already gone (the hang-up came first) says nothing about the takeover's time.
    if (owner.owner !== undefined) expectWithinClaim('clusterTakeover', owner.at - killedAt);
    await Promise.all([caller.page.context().close(), callee.page.context().close()]);
  });
});
