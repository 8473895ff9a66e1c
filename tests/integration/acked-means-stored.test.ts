/**
 * Acknowledged means stored: under load, `kill -9` at a random moment, restart on the same data dir —
 * every call whose invite the server acknowledged is carried on after the restart and ends with a
 * record (its devices never come back: the reconnect grace ends it), and every call whose hang-up it
 * acknowledged has the record of that hang-up (not the NETWORK_ERROR of a lost call).
 * Before the durable acknowledgement (replies sent before the per-tick commit) a few calls in every
 * thousand acknowledged had no record after the crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType, RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/protocol';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import { connectRawDevice, type Frame, type RawDevice } from '../helpers/raw-device.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const PAIRS = 25;
const ROUNDS = 3;
/** Upper bound of lifecycles one pair runs in a round (the kill comes first). */
const MAX_LIFECYCLES_PER_PAIR = 400;
const ACCEPT_WAIT_MS = 5_000;
const GRACE_MS = 1_000;
/**
 * The kill comes once this many invites (a random number in the range) were acknowledged in the round:
 * 500–2,000, what 0.4–1.2 s of load gave on this machine when the kill was timed.
 */
const KILL_AFTER_ACKED_INVITES = { min: 20 * PAIRS, max: 80 * PAIRS };

const dataDir = mkdtempSync(join(tmpdir(), 'opencall-acked-'));
const servers: ServerProcess[] = [];
const devices: RawDevice[] = [];

afterAll(async () => {
  for (const device of devices) device.close();
  for (const server of servers) await server.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess({
    dataDir,
    // Calls carried on after a restart end once their devices' grace runs out (these devices never return).
    env: { OPENCALL_CALLS_PER_MINUTE: '1000000', OPENCALL_WS_RATE_PER_SEC: '100000', OPENCALL_RECONNECT_GRACE_MS: String(GRACE_MS) },
  });
  servers.push(server);
  return server;
}

interface RoundResult {
  ackedInvites: string[];
  ackedHangups: string[];
}

/** One caller → callee pair placing, answering and hanging up calls until its sockets close. */
async function runPair(caller: RawDevice, callee: RawDevice, prefix: string, result: RoundResult): Promise<void> {
  const accepted = new Map<string, (frame: Frame | undefined) => void>();
  callee.onEvent((event) => {
    if (event.type !== 'call.invited') return;
    void callee.request({ t: 'call.accept', callId: event.callId }).then((res) => accepted.get(event.callId)?.(res));
  });
  for (let n = 0; n < MAX_LIFECYCLES_PER_PAIR; n++) {
    const callId = `${prefix}-${n}`;
    const answered = new Promise<Frame | undefined>((resolve) => {
      accepted.set(callId, resolve);
      setTimeout(() => resolve(undefined), ACCEPT_WAIT_MS).unref();
    });
    const invite = await caller.request({
      t: 'call.invite',
      callId,
      conversationType: ConversationType.PRIVATE,
      targetId: callee.userId,
      mediaType: RCCallMediaType.AUDIO,
      userIds: [callee.userId],
    });
    if (invite?.code !== RCCallErrorCode.SUCCESS) return;
    result.ackedInvites.push(callId);
    const accept = await answered;
    accepted.delete(callId);
    if (accept?.code !== RCCallErrorCode.SUCCESS) return;
    const hangup = await caller.request({ t: 'call.hangup', callId });
    if (hangup?.code !== RCCallErrorCode.SUCCESS) return;
    result.ackedHangups.push(callId);
  }
}

async function crashRound(round: number): Promise<RoundResult> {
  const server = await start();
  const result: RoundResult = { ackedInvites: [], ackedHangups: [] };
  const pairs: Promise<void>[] = [];
  for (let p = 0; p < PAIRS; p++) {
    const callerId = `r${round}caller${p}`;
    const calleeId = `r${round}callee${p}`;
    const caller = await connectRawDevice(server.url, server.appKey, callerId, await server.getToken(callerId));
    const callee = await connectRawDevice(server.url, server.appKey, calleeId, await server.getToken(calleeId));
    devices.push(caller, callee);
    pairs.push(runPair(caller, callee, `r${round}p${p}`, result));
  }
  // A random moment measured in acknowledged work (not in time: a slow machine would do less of it).
  const { min, max } = KILL_AFTER_ACKED_INVITES;
  const killAfter = min + Math.floor(Math.random() * (max - min + 1));
  await vi.waitUntil(() => result.ackedInvites.length >= killAfter, { timeout: 30_000, interval: 5 });
  await server.kill('SIGKILL');
  // Every request still waiting settles when its socket closes; bounded anyway.
  await Promise.race([Promise.all(pairs), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  return result;
}

describe('acknowledged means stored', () => {
  it(`kill -9 under load (${PAIRS} pairs, ${ROUNDS} rounds): every acknowledged invite and hang-up has its record`, async () => {
    const rounds: RoundResult[] = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await crashRound(round));
    // The last start carries on what the last crash left; those calls end when the grace runs out.
    const last = await start();
    const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
    const deadline = Date.now() + 15_000;
    while ((await storage.activeCalls.all()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const missing: string[] = [];
    const wrongHangups: string[] = [];
    try {
      for (const { ackedInvites, ackedHangups } of rounds) {
        expect(ackedInvites.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKED_INVITES.min);
        for (const callId of ackedInvites) if (!(await storage.calls.get(last.appKey, callId))) missing.push(callId);
        for (const callId of ackedHangups) {
          const record = await storage.calls.get(last.appKey, callId);
          if (record?.endReason !== RCCallEndReason.HANGUP) wrongHangups.push(`${callId}: ${record?.endReason}`);
        }
      }
      expect(await storage.activeCalls.all()).toEqual([]);
    } finally {
      await storage.close();
    }
    const acked = rounds.reduce((n, r) => n + r.ackedInvites.length, 0);
    console.log(
      `[acked-means-stored] ${acked} acknowledged invites over ${ROUNDS} crashes: ${missing.length} without a record, ${wrongHangups.length} acknowledged hang-ups not stored as such`,
    );
    expect(missing).toEqual([]);
    expect(wrongHangups).toEqual([]);
  });
});
