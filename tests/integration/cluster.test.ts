/**
 * Cluster mode with real processes: three nodes on one Postgres (a fresh database) and the machine's
 * Redis (a key prefix of their own). Devices of one call sit on different nodes; nodes die (`kill -9`)
 * or freeze (SIGSTOP) under calls. What must hold: ringing stops on every device whatever node it is
 * on, a call outlives the node that owned it, a ring timeout fires exactly once, a frozen owner that
 * wakes up cannot write over the node that took its calls.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { placeAnsweredCall, reconnected, waitForCallRecord } from '../helpers/call-steps.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { encodeForm, readReply, signingHeaders } from '../helpers/server-process.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const RING_TIMEOUT_MS = 8000;
let cluster: TestCluster;
let ledger: Storage;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  cluster = await startCluster(['node-a', 'node-b', 'node-c'], { OPENCALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
  ledger = await openPostgresStorage({ url: cluster.database.url, poolSize: 2 });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await ledger?.close();
  await cluster?.stop();
});

/** A device of `userId` connected to `nodeId` first (the other nodes follow in its navigators). */
async function device(userId: string, nodeId: string, deviceId = `${userId}-d1`): Promise<HeadlessClient> {
  const first = cluster.node(nodeId);
  const navigators = [first.url, ...cluster.urls().filter((u) => u !== first.url)];
  const client = await connectHeadless(navigators, first.appKey, userId, await first.getToken(userId), deviceId);
  clients.push(client);
  return client;
}

describe('cluster: three nodes, one Postgres, one Redis', () => {
  it('caller on A, callee devices on B and C: both ring; answering on C stops B (101) and connects the caller', async () => {
    const caller = await device('xa', 'node-a');
    const phone = await device('xb', 'node-b', 'xb-phone');
    const laptop = await device('xb', 'node-c', 'xb-laptop');
    const placed = await caller.client.call({ targetId: 'xb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    await Promise.all([
      phone.waitFor('onSession', (c) => c.sessionId === callId),
      laptop.waitFor('onSession', (c) => c.sessionId === callId),
    ]);
    expect((await laptop.sessions.find((s) => s.getSessionId() === callId)!.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    const phoneClose = await phone.waitForClose(callId, 5000);
    expect(phoneClose.summary.endReason).toBe(RCCallEndReason.ACCEPT_BY_OTHER_CLIENT);
    await caller.waitFor('onAccept', (c) => c.sessionId === callId);
    await placed.session!.hungup();
    const [callerClose, laptopClose] = await Promise.all([caller.waitForClose(callId, 5000), laptop.waitForClose(callId, 5000)]);
    expect([callerClose.summary.endReason, laptopClose.summary.endReason]).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    const record = await waitForCallRecord(ledger, cluster.node('node-a').appKey, callId);
    expect(record.participants.map((p) => [p.userId, p.deviceId, p.endReason])).toEqual([
      ['xa', 'xa-d1', RCCallEndReason.HANGUP],
      ['xb', 'xb-laptop', RCCallEndReason.REMOTE_HANGUP],
    ]);
  });

  it('kill -9 of the node that owns a 1:1 call mid-call: both SDKs go on, the call is taken over, a later hang-up gives 3 / 13 and a complete record', async () => {
    const owner = await cluster.start('node-d');
    const caller = await device('ka', 'node-d');
    const callee = await device('kb', 'node-b');
    const { callId, callerSession } = await placeAnsweredCall(caller, callee);
    const killedAt = Date.now();
    await owner.kill('SIGKILL');
    cluster.nodes.delete('node-d');
    await reconnected(caller);
    // The caller's next intent reaches a live node that takes the call over (or the sweep already did).
    await new Promise((r) => setTimeout(r, 1500));
    expect([...caller.closes, ...callee.closes].map((c) => c.summary.endReason)).toEqual([]);
    await callerSession.hungup();
    const [callerClose, calleeClose] = await Promise.all([caller.waitForClose(callId, 10_000), callee.waitForClose(callId, 10_000)]);
    expect([callerClose.summary.endReason, calleeClose.summary.endReason]).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    const record = await waitForCallRecord(ledger, owner.appKey, callId);
    expect(record).toMatchObject({ callerId: 'ka', endReason: RCCallEndReason.HANGUP });
    expect(record.participants.map((p) => p.endReason)).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    expect(await ledger.activeCalls.get(owner.appKey, callId)).toBeUndefined();
    console.log(`[cluster] owner killed mid-call: hang-up answered ${Date.now() - killedAt} ms after the kill (incl. 1.5 s wait)`);
  });

  it('kill -9 of the owner while the call rings: the ring timeout still fires exactly once (one 15 / 5 pair, one record)', async () => {
    const owner = await cluster.start('node-e');
    const caller = await device('ra', 'node-e');
    const callee = await device('rb', 'node-c');
    const placed = await caller.client.call({ targetId: 'rb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    await new Promise((r) => setTimeout(r, 300));
    await owner.kill('SIGKILL');
    cluster.nodes.delete('node-e');
    const [callerClose, calleeClose] = await Promise.all([
      caller.waitForClose(callId, RING_TIMEOUT_MS + 10_000),
      callee.waitForClose(callId, RING_TIMEOUT_MS + 10_000),
    ]);
    expect([callerClose.summary.endReason, calleeClose.summary.endReason]).toEqual([
      RCCallEndReason.REMOTE_NO_RESPONSE,
      RCCallEndReason.NO_RESPONSE,
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect([...caller.closes, ...callee.closes].filter((c) => c.session.getSessionId() === callId)).toHaveLength(2);
    const record = await waitForCallRecord(ledger, owner.appKey, callId);
    expect(record.endReason).toBe(RCCallEndReason.REMOTE_NO_RESPONSE);
  });

  it('a frozen owner (SIGSTOP past its liveness) that wakes up is fenced: the node that took the call over keeps it', async () => {
    const owner = await cluster.start('node-f');
    const caller = await device('fa', 'node-b');
    const callee = await device('fb', 'node-c');
    // The call is owned by node-f: its caller's device connected there when placing it.
    const viaOwner = await connectHeadless([owner.url], owner.appKey, 'fz', await owner.getToken('fz'));
    clients.push(viaOwner);
    const placed = await viaOwner.client.call({ targetId: 'fb', mediaType: RCCallMediaType.AUDIO, listener: viaOwner.listener() });
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    owner.signal('SIGSTOP');
    // Past the liveness TTL (2 s) a live node takes the call over (the sweep runs every 0.5 s).
    await new Promise((r) => setTimeout(r, 4000));
    const row = await ledger.activeCalls.get(owner.appKey, callId);
    expect(row?.ownerNode).not.toBe('node-f');
    expect(row?.ownerEpoch).toBe(2);
    owner.signal('SIGCONT');
    await new Promise((r) => setTimeout(r, 1500));
    expect(owner.logs()).toMatch(/call dropped on this node \((lease lost|fenced)/);
    // The call goes on under its new owner: the callee answers, then hangs up; one record.
    expect((await callee.sessions.find((s) => s.getSessionId() === callId)!.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    await viaOwner.waitFor('onAccept', (c) => c.sessionId === callId, 10_000);
    await callee.sessions.find((s) => s.getSessionId() === callId)!.hungup();
    await viaOwner.waitForClose(callId, 10_000);
    const record = await waitForCallRecord(ledger, owner.appKey, callId);
    expect(record.participants.map((p) => p.endReason)).toEqual([RCCallEndReason.REMOTE_HANGUP, RCCallEndReason.HANGUP]);
    expect(caller.closes).toEqual([]);
  });

  it('rolling restart (SIGTERM, then start again, one node after another) under 6 live calls: no call is dropped', async () => {
    const ids = ['node-a', 'node-b', 'node-c'];
    const calls: { callId: string; caller: HeadlessClient; callee: HeadlessClient; hangup: () => Promise<unknown> }[] = [];
    for (let i = 0; i < 6; i++) {
      const caller = await device(`rr${i}a`, ids[i % 3]!);
      const callee = await device(`rr${i}b`, ids[(i + 1) % 3]!);
      const { callId, callerSession } = await placeAnsweredCall(caller, callee);
      calls.push({ callId, caller, callee, hangup: () => callerSession.hungup() });
    }
    for (const nodeId of ids) {
      const node = cluster.node(nodeId);
      const port = Number(new URL(node.url).port);
      await node.kill('SIGTERM');
      await cluster.start(nodeId, port);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const dropped = calls.flatMap(({ caller, callee }) => [...caller.closes, ...callee.closes]).map((c) => c.summary.endReason);
    expect(dropped).toEqual([]);
    for (const call of calls) await call.hangup();
    const reasons = await Promise.all(
      calls.map(async ({ callId, caller, callee }) => [
        (await caller.waitForClose(callId, 10_000)).summary.endReason,
        (await callee.waitForClose(callId, 10_000)).summary.endReason,
      ]),
    );
    expect(reasons).toEqual(calls.map(() => [RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]));
    for (const { callId } of calls)
      expect((await waitForCallRecord(ledger, cluster.node('node-a').appKey, callId)).endReason).toBe(RCCallEndReason.HANGUP);
  });

  it('a device that moves to another node while its node lives resumes its stream there: what it missed arrives once, in order', async () => {
    const nodeA = cluster.node('node-a');
    const proxy = await startTcpProxy(Number(new URL(nodeA.url).port));
    try {
      const a = await device('ma', 'node-c');
      const b = await connectHeadless([proxy.url, cluster.node('node-b').url], nodeA.appKey, 'mb', await nodeA.getToken('mb'), 'mb-d1');
      clients.push(b);
      const { callId, callerSession, calleeSession } = await placeAnsweredCall(a, b);
      await b.waitFor('onTrackReady', (c) => !(c.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
      const before = b.callbacks.length;
      proxy.block(true);
      proxy.cut();
      await callerSession.disableAudioTrack();
      await new Promise((r) => setTimeout(r, 100));
      await callerSession.enableAudioTrack();
      await b.waitFor('onAudioMuteChange', (c) => !(c.args[0] as { muted: boolean }).muted, 8000);
      expect(b.currentServer()).toContain(new URL(cluster.node('node-b').url).port);
      const mutes = b.callbacks
        .slice(before)
        .filter((c) => c.name === 'onAudioMuteChange')
        .map((c) => (c.args[0] as { muted: boolean }).muted);
      expect(mutes).toEqual([true, false]);
      expect(b.closes).toEqual([]);
      await calleeSession.hungup();
      expect((await a.waitForClose(callId, 10_000)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
    } finally {
      await proxy.close();
    }
  });

  it('a signed server-API request replayed on another node is refused there too (nonces shared in Redis)', async () => {
    const a = cluster.node('node-a');
    const headers = { ...signingHeaders(a.appKey, a.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' };
    const body = encodeForm({ userId: 'replayed-user' });
    const post = async (url: string) => readReply(await fetch(`${url}/user/getToken.json`, { method: 'POST', headers, body }));
    expect((await post(a.url)).body.code).toBe(200);
    const replayed = await post(cluster.node('node-b').url);
    expect(replayed).toMatchObject({ status: 401, body: { code: 1004 } });
    expect(replayed.body.errorMessage).toMatch(/Nonce already used/);
  });

  it("a node restarted at once with the same OPENCALL_NODE_ID takes its previous process's calls over itself", async () => {
    const first = await cluster.start('node-g');
    const port = Number(new URL(first.url).port);
    const caller = await device('ga', 'node-g');
    const callee = await device('gb', 'node-b');
    const { callId, callerSession } = await placeAnsweredCall(caller, callee);
    await first.kill('SIGKILL');
    await cluster.start('node-g', port); // back before its liveness key expired: it looks alive throughout
    await reconnected(caller);
    await new Promise((r) => setTimeout(r, 1000));
    expect([...caller.closes, ...callee.closes].map((c) => c.summary.endReason)).toEqual([]);
    expect((await ledger.activeCalls.get(first.appKey, callId))?.ownerEpoch).toBe(2);
    await callerSession.hungup();
    const [callerClose, calleeClose] = await Promise.all([caller.waitForClose(callId, 10_000), callee.waitForClose(callId, 10_000)]);
    expect([callerClose.summary.endReason, calleeClose.summary.endReason]).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
  });
});
