/**
 * Cluster mode with real processes: three nodes on one Postgres (a fresh database) and the machine's
 * Redis (a key prefix of their own). Devices of one call sit on different nodes; nodes die (`kill -9`)
 * or freeze (SIGSTOP) under calls. What must hold: ringing stops on every device whatever node it is
 * on, a call outlives the node that owned it, a ring timeout fires exactly once, a frozen owner that
 * wakes up cannot write over the node that took its calls.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { muteReachesPeer, placeAnsweredCall, reconnected, remoteTrackReady, waitForCallRecord } from '../helpers/call-steps.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { encodeForm, readReply, signingHeaders } from '../helpers/server-process.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const RING_TIMEOUT_MS = 8000;
/**
 * The README's failover times ("What survives what"), 2× for a loaded 2-core machine: a device on a
 * killed node is on the next one ≈1.3–1.6 s after the kill (backoff, then 1 s waiting for the dead
 * node to hand its stream over); a dead or frozen owner's calls are taken over ≈2–2.5 s after it
 * stopped (2 s liveness expiry + the 0.5 s sweep).
 */
const RECONNECT_WITHIN_MS = 3200;
const TAKEOVER_WITHIN_MS = 5000;
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
/** The ledger row of `callId` once `accept` holds for it (polled, bounded). */
async function ledgerRow(
  appKey: string,
  callId: string,
  accept: (row: { ownerNode: string; ownerEpoch: number }) => boolean,
  timeoutMs = 10_000,
) {
  return vi.waitUntil(
    async () => {
      const row = await ledger.activeCalls.get(appKey, callId);
      return row && accept(row) ? row : undefined;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

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
    const { callId, callerSession, calleeSession } = await placeAnsweredCall(caller, callee);
    await Promise.all([remoteTrackReady(caller, callId), remoteTrackReady(callee, callId)]);
    const connectionsBefore = caller.connections();
    const killedAt = Date.now();
    await owner.kill('SIGKILL');
    cluster.nodes.delete('node-d');
    await reconnected(caller, 15_000, connectionsBefore);
    const reconnectMs = Date.now() - killedAt;
    // No intent is sent meanwhile: the sweep alone takes the call over.
    await ledgerRow(owner.appKey, callId, (row) => row.ownerNode !== 'node-d');
    const takeoverMs = Date.now() - killedAt;
    // The call goes on under its new owner: signals still pass both ways, no device saw an end.
    await muteReachesPeer(callerSession, callee);
    await muteReachesPeer(calleeSession, caller);
    expect([...caller.closes, ...callee.closes].map((c) => c.summary.endReason)).toEqual([]);
    console.log(`[cluster] owner killed mid-call: caller reconnected after ${reconnectMs} ms, call taken over after ${takeoverMs} ms`);
    expect(reconnectMs).toBeLessThan(RECONNECT_WITHIN_MS);
    expect(takeoverMs).toBeLessThan(TAKEOVER_WITHIN_MS);
    await callerSession.hungup();
    const [callerClose, calleeClose] = await Promise.all([caller.waitForClose(callId, 10_000), callee.waitForClose(callId, 10_000)]);
    expect([callerClose.summary.endReason, calleeClose.summary.endReason]).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    const record = await waitForCallRecord(ledger, owner.appKey, callId);
    expect(record).toMatchObject({ callerId: 'ka', endReason: RCCallEndReason.HANGUP });
    expect(record.participants.map((p) => p.endReason)).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
    expect(await ledger.activeCalls.get(owner.appKey, callId)).toBeUndefined();
  });

  it('kill -9 of the owner while the call rings: the ring timeout still fires exactly once (one 15 / 5 pair, one record)', async () => {
    const owner = await cluster.start('node-e');
    const caller = await device('ra', 'node-e');
    const callee = await device('rb', 'node-c');
    const placed = await caller.client.call({ targetId: 'rb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    await ledgerRow(owner.appKey, callId, () => true); // the journaled ring (with its deadline) is stored
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
    const record = await waitForCallRecord(ledger, owner.appKey, callId);
    expect(record.endReason).toBe(RCCallEndReason.REMOTE_NO_RESPONSE);
    // Exactly once: a second timer would fire at the same journaled deadline, so its close would be on
    // both devices' streams before anything sent to them later — like a new call's ring.
    const later = await caller.client.call({ targetId: 'rb', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    const laterId = later.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === laterId, 10_000);
    await later.session!.hungup();
    await callee.waitForClose(laterId, 10_000);
    expect([...caller.closes, ...callee.closes].filter((c) => c.session.getSessionId() === callId)).toHaveLength(2);
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
    await ledgerRow(owner.appKey, callId, (row) => row.ownerNode === 'node-f');
    owner.signal('SIGSTOP');
    const frozenAt = Date.now();
    // Past the liveness TTL (2 s) a live node takes the call over (the sweep runs every 0.5 s).
    const row = await ledgerRow(owner.appKey, callId, (r) => r.ownerNode !== 'node-f');
    const takeoverMs = Date.now() - frozenAt;
    expect(row.ownerEpoch).toBe(2);
    console.log(`[cluster] owner frozen while ringing: call taken over after ${takeoverMs} ms`);
    expect(takeoverMs).toBeLessThan(TAKEOVER_WITHIN_MS);
    owner.signal('SIGCONT');
    await vi.waitUntil(() => /call dropped on this node \((lease lost|fenced)/.test(owner.logs()), { timeout: 10_000, interval: 50 });
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
    const devices = calls.flatMap(({ caller, callee }) => [caller, callee]);
    for (const nodeId of ids) {
      const node = cluster.node(nodeId);
      const port = Number(new URL(node.url).port);
      const onNode = devices.filter((d) => d.currentServer() !== undefined && new URL(d.currentServer()!).port === String(port));
      const before = onNode.map((d) => d.connections());
      await node.kill('SIGTERM');
      await cluster.start(nodeId, port);
      // The next node goes down only once the devices of this one are connected again.
      await Promise.all(onNode.map((d, i) => reconnected(d, 15_000, before[i])));
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
    const { callId, callerSession, calleeSession } = await placeAnsweredCall(caller, callee);
    await Promise.all([remoteTrackReady(caller, callId), remoteTrackReady(callee, callId)]);
    const connectionsBefore = caller.connections();
    await first.kill('SIGKILL');
    await cluster.start('node-g', port); // back before its liveness key expired: it looks alive throughout
    await reconnected(caller, 15_000, connectionsBefore);
    await ledgerRow(first.appKey, callId, (row) => row.ownerEpoch === 2);
    await muteReachesPeer(callerSession, callee);
    await muteReachesPeer(calleeSession, caller);
    expect([...caller.closes, ...callee.closes].map((c) => c.summary.endReason)).toEqual([]);
    expect((await ledger.activeCalls.get(first.appKey, callId))?.ownerEpoch).toBe(2);
    await callerSession.hungup();
    const [callerClose, calleeClose] = await Promise.all([caller.waitForClose(callId, 10_000), callee.waitForClose(callId, 10_000)]);
    expect([callerClose.summary.endReason, calleeClose.summary.endReason]).toEqual([RCCallEndReason.HANGUP, RCCallEndReason.REMOTE_HANGUP]);
  });
});
