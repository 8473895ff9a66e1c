/**
 * The single server (embedded SQLite) dies under a 1:1 video call in real Chromium: `kill -9`, then a
 * restart on the same port and data dir. P2P media never touched the server, so video must keep being
 * decoded on both sides while it is down; after the restart both SDKs reconnect (IM status back to
 * CONNECTED), the journaled call is restored and goes on (no onHungup / onSessionClose), and a later
 * hang-up still ends it with HANGUP (3) for the caller and REMOTE_HANGUP (13) for the callee.
 * Times are printed as `[e2e-timing]` lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bothDecode, expectCallGoesOn, hangUpAndCheck, IM_CONNECTED, placeVideoCall, printTiming } from './harness/failover-steps.js';
import { type NodesEnv, startNodesEnv } from './harness/nodes-env.js';

const NODE = 'solo';

describe('server restart under a 1:1 video call (single node, SQLite)', () => {
  let env: NodesEnv;

  beforeAll(async () => {
    env = await startNodesEnv({ label: 'server-restart', budgetMs: 120_000, nodeIds: [NODE] });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('kill -9 mid-call: video flows while the server is down; after the restart both SDKs reconnect, the call goes on, hang-up gives 3 / 13', async () => {
    const alice = await env.openSdkUser('restart-a', [NODE]);
    const bob = await env.openSdkUser('restart-b', [NODE]);
    const callId = await placeVideoCall(alice, bob);

    const port = new URL(env.node(NODE).url).port;
    const killedAt = Date.now();
    await env.kill(NODE);

    // Both SDKs notice the drop (the kernel closes the sockets of a killed process) ...
    await Promise.all([
      alice.waitForSince({ name: 'im', event: 'SUSPEND' }, killedAt),
      bob.waitForSince({ name: 'im', event: 'SUSPEND' }, killedAt),
    ]);
    // ... and, with no server at all, video keeps being decoded both ways.
    await bothDecode(alice, bob, 30, 10_000);
    const downFor = Date.now() - killedAt;
    expect(await alice.imStatus(), 'alice is not connected while the server is down').not.toBe(IM_CONNECTED);
    expect(await bob.imStatus(), 'bob is not connected while the server is down').not.toBe(IM_CONNECTED);

    const restartAt = Date.now();
    const restarted = await env.restart(NODE);
    expect(new URL(restarted.url).port, 'same port').toBe(port);
    const listeningAt = Date.now();
    const [aliceBack, bobBack] = await Promise.all([
      alice.waitForSince({ name: 'im', event: 'CONNECTED' }, killedAt, 20_000),
      bob.waitForSince({ name: 'im', event: 'CONNECTED' }, killedAt, 20_000),
    ]);
    expect(await alice.imStatus()).toBe(IM_CONNECTED);
    expect(await bob.imStatus()).toBe(IM_CONNECTED);

    // Time for a wrong end to show (a resync that does not find the call would end it now).
    await new Promise((r) => setTimeout(r, 1000));
    await expectCallGoesOn(callId, alice, bob);
    await bothDecode(alice, bob, 30, 10_000);

    const hangupAt = Date.now();
    const closedAt = await hangUpAndCheck(alice, bob, callId);
    printTiming('server restart: kill -9 under a 1:1 video call', {
      serverDownMs: restartAt - killedAt,
      restartToListeningMs: listeningAt - restartAt,
      killToCallerReconnectedMs: aliceBack.at - killedAt,
      killToCalleeReconnectedMs: bobBack.at - killedAt,
      listeningToCallerReconnectedMs: aliceBack.at - listeningAt,
      listeningToCalleeReconnectedMs: bobBack.at - listeningAt,
      hangupToCloseMs: closedAt - hangupAt,
      killToHangupAnsweredMs: closedAt - killedAt,
      framesCheckedWhileDownMs: downFor,
    });
    await Promise.all([alice.page.context().close(), bob.page.context().close()]);
  });
});
