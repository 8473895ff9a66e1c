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
});
