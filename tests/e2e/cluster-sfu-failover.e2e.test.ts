/**
 * Cluster mode, a group call through the Janus SFU with its three users on three nodes; the node that
 * owns the call — and drives its Janus room (its own local Janus, which dies with it) — is killed
 * (`kill -9`). SFU calls do not survive their node yet: no media can flow any more. What must hold is
 * the honest outcome, as when Janus dies under a single server: every user's session closes with a
 * network reason (NETWORK_ERROR 7 / REMOTE_NETWORK_ERROR 17) within seconds, the call gets its record,
 * and the live nodes stay up. (Before the takeover ended such calls, everyone sat in a silent call:
 * no frames, no onHungup, no onSessionClose for 40 s and more.) Times are printed as `[e2e-timing]`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { printTiming } from './harness/failover-steps.js';
import { connectGroupUser } from './harness/group-agent.js';
import { everyoneDecodesEveryone } from './harness/group-call.js';
import { type NodesEnv, startNodesEnv } from './harness/nodes-env.js';
import { type PrivateServices, startPrivateServices } from './harness/private-services.js';
import type { SdkUser } from './harness/sdk-user.js';
import { addVeth, type Veth } from './harness/veth.js';

const BUDGET_MS = 120_000;
const NODES = ['node-a', 'node-b', 'node-c'];
const SUCCESS = 10000;
const NETWORK_REASONS = [7, 17];

describe('cluster: the node that drives an SFU group call dies (3 nodes, private Postgres + Redis, local Janus each)', () => {
  let services: PrivateServices;
  let env: NodesEnv;
  let ledger: Storage;
  let veth: Veth;

  beforeAll(async () => {
    veth = addVeth('occlu0', 'occlu1', '10.99.3.1');
    services = await startPrivateServices('cluster-sfu-failover', BUDGET_MS);
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
        OPENCALL_JANUS_ICE_INTERFACE: veth.iface,
        OPENCALL_RING_TIMEOUT_MS: '30000',
      }),
      onTeardown: () => services.stop(),
    });
    ledger = await openPostgresStorage({ url: services.postgresUrl, poolSize: 2 });
  });

  afterAll(async () => {
    await ledger?.close();
    await env?.close();
    await services?.stop();
    veth?.remove();
  });

  it('kill -9 of the owner node: every session closes with a network reason within seconds, the call gets its record, the live nodes stay up', async () => {
    const users: SdkUser[] = [];
    for (const nodeId of NODES) {
      const navigators = [nodeId, ...NODES.filter((n) => n !== nodeId)].map((n) => env.node(n).url);
      users.push(await connectGroupUser(await env.openPage(`sfu-${nodeId}`, nodeId), env.node(nodeId), navigators, `sfu-${nodeId}`));
    }
    const [caller, ...invitees] = users as [SdkUser, ...SdkUser[]];
    const owner = env.node('node-a');
    const group = await owner.signedPost('/group/create.json', {
      userId: users.map((u) => u.userId),
      groupId: 'sfu-fo',
      groupName: 'sfu-fo',
    });
    expect(group.body.code).toBe(200);
    const placed = await caller.page.evaluate((o) => window.__group.callInGroup(o), {
      groupId: 'sfu-fo',
      userIds: invitees.map((u) => u.userId),
      mediaType: 2,
    });
    expect(placed.code).toBe(SUCCESS);
    const callId = placed.callId!;
    for (const invitee of invitees) {
      await invitee.waitFor({ name: 'onSession', callId }, 15_000);
      expect((await invitee.page.evaluate(() => window.__group.accept())).code).toBe(SUCCESS);
    }
    await everyoneDecodesEveryone(users, 20, 45_000);
    expect(owner.logs(), "node A's own Janus carries the call").toMatch(/janus up/);
    expect((await ledger.activeCalls.get(owner.appKey, callId))?.ownerNode).toBe('node-a');

    const killedAt = Date.now();
    await env.kill('node-a');
    const closes = await Promise.all(users.map((u) => u.waitForSince({ name: 'onSessionClose', callId }, killedAt, 20_000)));
    for (const [i, close] of closes.entries()) {
      expect(NETWORK_REASONS, `${users[i]!.userId}: end reason ${close.endReason}`).toContain(close.endReason);
    }
    const record = await ledger.calls.get(owner.appKey, callId);
    expect(record?.endReason, 'the call record').toBeDefined();
    for (const nodeId of ['node-b', 'node-c']) {
      expect((await fetch(new URL('/healthz', env.node(nodeId).url))).status, `${nodeId} is up`).toBe(200);
    }
    const after = Object.fromEntries(closes.map((c, i) => [`killTo${users[i]!.userId}ClosedMs`, c.at - killedAt]));
    printTiming(`cluster SFU call: owner node killed → sessions closed (reasons ${closes.map((c) => c.endReason).join('/')})`, after);
    await Promise.all(users.map((u) => u.page.context().close()));
  });
});
