/**
 * Cluster mode with a shared Janus (`OPENCALL_JANUS_URLS`, `reclaim_session_timeout`), signaling only
 * (no browsers; Janus gathers on `lo`): the owner of a group call — the node driving its Janus room —
 * is drained (SIGTERM: it hands its calls over) or frozen past its liveness (SIGSTOP, then SIGCONT:
 * fenced). Either way it must let go of the room without destroying it; the node that takes the call
 * over claims the room's session; the publishers stay in the VideoRoom (asked of Janus directly); a
 * later leave and the hang-up go through the new owner, with 3 / 13 in the record and the room
 * destroyed at the end. The machine's Postgres (a fresh database) and Redis (a prefix of its own).
 */
import { existsSync } from 'node:fs';
import { RCCallErrorCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { waitForCallRecord } from '../helpers/call-steps.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { JANUS_BINARY, type JanusServer, startJanusServer } from '../helpers/janus-server.js';
import type { RawDevice } from '../helpers/raw-device.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { janusRoomBecomes, janusRoomIdOf, logged, publishedGroupCall, type SfuDevice, sfuDevice } from '../helpers/sfu-steps.js';

const haveJanus = existsSync(JANUS_BINARY);
let janus: JanusServer;
let cluster: TestCluster;
let ledger: Storage;
const raws: RawDevice[] = [];

beforeAll(async () => {
  if (!haveJanus) return;
  janus = await startJanusServer({ iceInterface: 'lo', reclaimSessionTimeoutS: 20 });
  cluster = await startCluster(['node-a', 'node-b'], { OPENCALL_SFU: 'auto', OPENCALL_JANUS_URLS: janus.urlWithSecret });
  ledger = await openPostgresStorage({ url: cluster.database.url, poolSize: 2 });
}, 60_000);

afterAll(async () => {
  for (const raw of raws) raw.close();
  await ledger?.close();
  await cluster?.stop();
  await janus?.stop();
});

/** node-b's log line saying it claimed this call's room (its log holds earlier tests' lines too). */
function takenOver(callId: string): RegExp {
  return new RegExp(`"callId":"${callId}"[^\n]*SFU room taken over: the call goes on`);
}

/** Caller `<p>a` on the owner node-a, `<p>b` and `<p>c` on node-b; all published in the call's Janus room. */
async function callOwnedByNodeA(prefix: string) {
  const a = cluster.node('node-a');
  const b = cluster.node('node-b');
  const users = [`${prefix}a`, `${prefix}b`, `${prefix}c`];
  const devices = [await sfuDevice(a, users[0]!, raws), await sfuDevice(b, users[1]!, raws), await sfuDevice(b, users[2]!, raws)];
  const callId = `${prefix}-call`;
  await publishedGroupCall(a, callId, `${prefix}-group`, devices);
  const row = await ledger.activeCalls.get(a.appKey, callId);
  expect(row?.ownerNode).toBe('node-a');
  const roomId = janusRoomIdOf(row?.snapshot);
  await janusRoomBecomes(janus, roomId, users);
  return { callId, roomId, users, devices: devices as [SfuDevice, SfuDevice, SfuDevice] };
}

/** The caller (back on node-b) sees the call live; the last invitee leaves, then the caller hangs up: 3 / 13 / 3, room destroyed. */
async function goesOnThroughNodeB(callId: string, roomId: number, users: string[], [, stayer, leaver]: SfuDevice[]) {
  const nodeB = cluster.node('node-b');
  const caller = await sfuDevice(nodeB, users[0]!, raws);
  expect((await caller.request({ t: 'call.resync', callIds: [callId] })).data.calls).toEqual([{ callId, live: true }]);
  await janusRoomBecomes(janus, roomId, users);
  expect((await leaver!.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
  await janusRoomBecomes(janus, roomId, users.slice(0, 2));
  expect((await caller.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
  await stayer!.event((e) => e.type === 'call.ended');
  const record = await waitForCallRecord(ledger, nodeB.appKey, callId);
  expect(Object.fromEntries(record.participants.map((p) => [p.userId, p.endReason]))).toEqual({
    [users[0]!]: 3,
    [users[1]!]: 13,
    [users[2]!]: 3,
  });
  await janusRoomBecomes(janus, roomId, null);
}

describe.skipIf(!haveJanus)('cluster: the node driving a Janus room hands it over', () => {
  it('SIGTERM of the owner: it lets go of the room, node B claims it, the call goes on through B', async () => {
    const { callId, roomId, users, devices } = await callOwnedByNodeA('st');
    const drained: ServerProcess = cluster.node('node-a');
    const port = Number(new URL(drained.url).port);
    await drained.kill('SIGTERM');
    await logged(cluster.node('node-b'), takenOver(callId));
    await goesOnThroughNodeB(callId, roomId, users, devices);
    await cluster.start('node-a', port);
  });

  it('SIGSTOP of the owner past its liveness, then SIGCONT: node B claims the room, the woken node is fenced and lets go without destroying it', async () => {
    const { callId, roomId, users, devices } = await callOwnedByNodeA('ss');
    const frozen = cluster.node('node-a');
    frozen.signal('SIGSTOP');
    try {
      await logged(cluster.node('node-b'), takenOver(callId), 15_000);
    } finally {
      frozen.signal('SIGCONT');
    }
    await logged(frozen, new RegExp(`"callId":"${callId}"[^\n]*call dropped on this node \\((lease lost|fenced)`), 10_000);
    await janusRoomBecomes(janus, roomId, users);
    await goesOnThroughNodeB(callId, roomId, users, devices);
  });
});
