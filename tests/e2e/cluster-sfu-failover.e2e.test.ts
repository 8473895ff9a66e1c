/**
 * Cluster mode, a 3-party group call through a shared Janus (`OPENCALL_JANUS_URLS`, remote mode, with
 * `reclaim_session_timeout`), its three users on three nodes. The node that owns the call — and drives
 * its Janus room — is killed (`kill -9`) mid-call. Janus keeps forwarding (the room's session outlives
 * the node's connection); a live node takes the call over and claims the room's session from the state
 * journaled with the call. What must hold: every browser keeps decoding everyone (frames keep
 * increasing; the longest stall around the kill is measured), the killed node's user resumes on another
 * node, nobody's call ends; then one user hangs up through the new owner (its Janus handles go, the two
 * others go on decoding each other), the caller hangs up last: 3 for whoever hung up, 13 for the last
 * one, and one complete record. Times are printed as `[e2e-timing]`.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { type JanusServer, startJanusServer } from '../helpers/janus-server.js';
import { printTiming, Reason } from './harness/failover-steps.js';
import { connectGroupUser } from './harness/group-agent.js';
import { everyoneDecodesEveryone } from './harness/group-call.js';
import { type NodesEnv, startNodesEnv } from './harness/nodes-env.js';
import { type PrivateServices, startPrivateServices } from './harness/private-services.js';
import { expectWithinClaim } from './harness/readme-claims.js';
import { SdkUser } from './harness/sdk-user.js';
import { addVeth, type Veth } from './harness/veth.js';

const BUDGET_MS = 90_000;
const NODES = ['node-a', 'node-b', 'node-c'];
const SUCCESS = 10000;
const SAMPLE_EVERY_MS = 50;

/** Starts sampling, in the page, the decoded-frame count of every remote video (bounded: at most `maxMs`). */
function startFrameSampler(page: Page, selectors: string[], maxMs: number): Promise<void> {
  return page.evaluate(
    ({ selectors, every, maxMs }) => {
      const w = window as unknown as {
        __e2e: { frameCount(sel: string): number };
        __frameSamples: { at: number; counts: number[] }[];
      };
      w.__frameSamples = [];
      const startedAt = Date.now();
      const timer = setInterval(() => {
        w.__frameSamples.push({ at: Date.now(), counts: selectors.map((s) => w.__e2e.frameCount(s)) });
        if (Date.now() - startedAt > maxMs) clearInterval(timer);
      }, every);
    },
    { selectors, every: SAMPLE_EVERY_MS, maxMs },
  );
}

/** The longest time, per sampled video, between two increases of its frame count within [from, to]. */
async function longestStalls(page: Page, from: number, to: number): Promise<number[]> {
  const samples = await page.evaluate(() => (window as unknown as { __frameSamples: { at: number; counts: number[] }[] }).__frameSamples);
  const inWindow = samples.filter((s) => s.at >= from && s.at <= to);
  const streams = inWindow[0]?.counts.length ?? 0;
  const stalls: number[] = [];
  for (let i = 0; i < streams; i += 1) {
    let lastIncrease = inWindow[0]!.at;
    let longest = 0;
    for (let j = 1; j < inWindow.length; j += 1) {
      if (inWindow[j]!.counts[i]! > inWindow[j - 1]!.counts[i]!) {
        longest = Math.max(longest, inWindow[j]!.at - lastIncrease);
        lastIncrease = inWindow[j]!.at;
      }
    }
    stalls.push(Math.max(longest, to - lastIncrease));
  }
  return stalls;
}

/** Polls (bounded) until the call's row names an owner other than `formerOwner`. */
async function newOwnerOf(ledger: Storage, appKey: string, callId: string, formerOwner: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await ledger.activeCalls.get(appKey, callId);
    if (row && row.ownerNode !== formerOwner) return { owner: row.ownerNode, at: Date.now() };
    if (Date.now() > deadline)
      throw new Error(`the call was not taken over within ${timeoutMs} ms (row: ${JSON.stringify(row?.ownerNode)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls (bounded) a node's logs until they match `pattern`; resolves when seen. */
async function logged(logs: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(logs())) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now();
}

describe('cluster: the node that drives an SFU group call dies (3 nodes, private Postgres + Redis, one shared Janus)', () => {
  let services: PrivateServices;
  let janus: JanusServer;
  let env: NodesEnv;
  let ledger: Storage;
  let veth: Veth;

  beforeAll(async () => {
    veth = addVeth('occlu0', 'occlu1', '10.99.3.1');
    services = await startPrivateServices('cluster-sfu-failover', BUDGET_MS);
    janus = await startJanusServer({ iceInterface: veth.iface, reclaimSessionTimeoutS: 30 });
    const cluster = `e2e-${randomBytes(4).toString('hex')}`;
    env = await startNodesEnv({
      label: 'cluster-sfu-failover',
      budgetMs: BUDGET_MS,
      nodeIds: NODES,
      nodeEnv: (nodeId) => ({
        OPENCALL_DATABASE_URL: services.postgresUrl,
        OPENCALL_REDIS_URL: services.redisUrl,
        OPENCALL_CLUSTER: cluster,
        OPENCALL_NODE_ID: nodeId,
        OPENCALL_SFU: 'auto',
        OPENCALL_JANUS_URLS: janus.urlWithSecret,
        OPENCALL_RING_TIMEOUT_MS: '30000',
      }),
      onTeardown: () => services.stop(),
    });
    ledger = await openPostgresStorage({ url: services.postgresUrl, poolSize: 2 });
  });

  afterAll(async () => {
    await ledger?.close();
    await env?.close();
    await janus?.stop();
    await services?.stop();
    veth?.remove();
  });

  it('kill -9 of the owner node: everyone keeps decoding everyone, the call is taken over with its Janus room, hang-ups give 3 / 13', async () => {
    const users: SdkUser[] = [];
    for (const nodeId of NODES) {
      const navigators = [nodeId, ...NODES.filter((n) => n !== nodeId)].map((n) => env.node(n).url);
      users.push(await connectGroupUser(await env.openPage(`sfu-${nodeId}`, nodeId), env.node(nodeId), navigators, `sfu-${nodeId}`));
    }
    const [caller, leaver, stayer] = users as [SdkUser, SdkUser, SdkUser];
    const owner = env.node('node-a');
    const group = await owner.signedPost('/group/create.json', {
      userId: users.map((u) => u.userId),
      groupId: 'sfu-fo',
      groupName: 'sfu-fo',
    });
    expect(group.body.code).toBe(200);
    const placed = await caller.page.evaluate((o) => window.__group.callInGroup(o), {
      groupId: 'sfu-fo',
      userIds: [leaver.userId, stayer.userId],
      mediaType: 2,
    });
    expect(placed.code).toBe(SUCCESS);
    const callId = placed.callId!;
    for (const invitee of [leaver, stayer]) {
      await invitee.waitFor({ name: 'onSession', callId }, 15_000);
      expect((await invitee.page.evaluate(() => window.__group.accept())).code).toBe(SUCCESS);
    }
    await everyoneDecodesEveryone(users, 20, 45_000);
    expect(owner.logs(), 'the shared Janus carries the call').toMatch(/media: group calls use the configured Janus instances/);
    const before = await ledger.activeCalls.get(owner.appKey, callId);
    expect(before?.ownerNode).toBe('node-a');
    expect(before?.snapshot, 'the room can be handed over: its Janus state is journaled').toContain('"sfuRoom"');

    for (const user of users) {
      const peers = users.filter((p) => p !== user).map((p) => SdkUser.remoteVideo(p.userId));
      await startFrameSampler(user.page, peers, 30_000);
    }
    await new Promise((r) => setTimeout(r, 1_000)); // a second of samples before the kill, as the baseline
    const killedAt = Date.now();
    await env.kill('node-a');

    const callerBack = await caller.waitForSince({ name: 'im', event: 'CONNECTED' }, killedAt, 15_000);
    const takeover = await newOwnerOf(ledger, owner.appKey, callId, 'node-a');
    expect(['node-b', 'node-c']).toContain(takeover.owner);
    const newOwner = env.node(takeover.owner);
    const claimedAt = await logged(() => newOwner.logs(), /SFU room taken over: the call goes on/);
    await everyoneDecodesEveryone(users, 30, 20_000);
    const checkedAt = Date.now();
    const stalls = await Promise.all(users.map((u) => longestStalls(u.page, killedAt - 1_000, checkedAt)));
    const baseline = await Promise.all(users.map((u) => longestStalls(u.page, killedAt - 1_000, killedAt)));
    for (const user of users) {
      const ends = (await user.log()).filter((e) => e.name === 'onHungup' || e.name === 'onSessionClose');
      expect(ends, `${user.userId}: the call ended`).toEqual([]);
    }

    // Signaling through the new owner: a leave detaches the leaver's Janus handles there.
    const leftAt = Date.now();
    expect((await leaver.page.evaluate(() => window.__group.hangup())).code).toBe(SUCCESS);
    const leaverClose = await leaver.waitFor({ name: 'onSessionClose', callId }, 15_000);
    expect(leaverClose.endReason, `${leaver.userId}: end reason`).toBe(Reason.HANGUP);
    for (const user of [caller, stayer]) {
      expect(await user.waitFor({ name: 'onHungup', callId, sender: leaver.userId }, 15_000)).toMatchObject({
        reason: Reason.REMOTE_HANGUP,
      });
    }
    const leaveAnsweredMs = Date.now() - leftAt;
    await Promise.all([caller.waitForRemoteFrames(stayer.userId, 15, 15_000), stayer.waitForRemoteFrames(caller.userId, 15, 15_000)]);

    expect((await caller.page.evaluate(() => window.__group.hangup())).code).toBe(SUCCESS);
    const callerClose = await caller.waitFor({ name: 'onSessionClose', callId }, 15_000);
    const stayerClose = await stayer.waitFor({ name: 'onSessionClose', callId }, 15_000);
    expect(callerClose.endReason, `${caller.userId}: end reason`).toBe(Reason.HANGUP);
    expect(stayerClose.endReason, `${stayer.userId}: end reason`).toBe(Reason.REMOTE_HANGUP);

    const deadline = Date.now() + 10_000;
    let record = await ledger.calls.get(owner.appKey, callId);
    while (!record && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      record = await ledger.calls.get(owner.appKey, callId);
    }
    expect(record, 'the call record').toBeDefined();
    const reasons = Object.fromEntries(record!.participants.map((p) => [p.userId, p.endReason]));
    expect(reasons).toEqual({ [caller.userId]: Reason.HANGUP, [leaver.userId]: Reason.HANGUP, [stayer.userId]: Reason.REMOTE_HANGUP });
    expect(await ledger.activeCalls.get(owner.appKey, callId), 'no snapshot left').toBeUndefined();

    const worstStall = Math.max(...stalls.flat());
    const worstBaseline = Math.max(...baseline.flat());
    printTiming(`cluster SFU call: kill -9 of the owner node (taken by ${takeover.owner})`, {
      killToCallerReconnectedMs: callerBack.at - killedAt,
      killToTakeoverSeenMs: takeover.at - killedAt,
      killToRoomClaimedMs: claimedAt - killedAt,
      longestVideoStallAroundKillMs: worstStall,
      longestVideoStallBeforeKillMs: worstBaseline,
      leaveAnsweredAfterFailoverMs: leaveAnsweredMs,
    });
    // Janus kept forwarding: no stream stalled for anything like the failover itself (≈2–3 s).
    expect(worstStall, `longest stall per user ${JSON.stringify(stalls)}`).toBeLessThan(1_500);
    expectWithinClaim('sfuClusterUserReconnected', callerBack.at - killedAt);
    expectWithinClaim('sfuClusterRoomClaimed', claimedAt - killedAt);
    await Promise.all(users.map((u) => u.page.context().close()));
  });
});
