/**
 * Missed calls are not lost (README "Calls, devices and failures"): an offline record stays stored
 * until a device of its user acks the event that carried it. A stream that ends unacked (closed,
 * replaced, not resumed within the keep time) or a server killed before the ack gives the record
 * back for the next connect; a record in flight on one live device is not sent to another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IOfflineRecord, RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { PROTOCOL_VERSION } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

/** How long a dropped device's stream waits for a resume on the test servers. */
const STREAM_KEEP_MS = 1500;
/**
 * How long a test waits to be sure nothing more arrives. A bounded window on purpose: a duplicate
 * would come from the server's own delivery on connect, with no later event to await instead.
 */
const QUIET_MS = 800;
/** Past the keep time the server ends an unresumed stream; nothing outside the process shows when. */
const PAST_STREAM_KEEP_MS = STREAM_KEEP_MS + 700;
const SERVER_ENV = { OPENCALL_STREAM_KEEP_MS: String(STREAM_KEEP_MS), OPENCALL_RECONNECT_GRACE_MS: '1000' };

let server: ServerProcess;
const clients: HeadlessClient[] = [];
const sockets: WebSocket[] = [];
const extraServers: ServerProcess[] = [];
const dataDirs: string[] = [];
let counter = 0;

type Frame = { t: string; seq?: number; evt?: { type: string; callId?: string }; streamId?: string; resumed?: boolean };

/** A device speaking the raw protocol: it acks only when told to. */
interface RawDevice {
  frames: Frame[];
  welcome: Frame;
  /** Call ids of the offline records received, in order. */
  records(): string[];
  ack(seq: number): void;
  /** Clean close of the socket (the stream stays resumable for the keep time). */
  close(): Promise<void>;
}

async function rawDevice(target: ServerProcess, userId: string, deviceId: string): Promise<RawDevice> {
  const ws = new WebSocket(`${target.url.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: target.appKey, token: await target.getToken(userId), deviceId }));
  const welcome = await poll(`${deviceId} welcome`, () => frames.find((f) => f.t === 'welcome'));
  return {
    frames,
    welcome,
    records: () => frames.filter((f) => f.t === 'evt' && f.evt?.type === 'call.offline_record').map((f) => f.evt!.callId!),
    ack: (seq) => ws.send(JSON.stringify({ t: 'ack', seq })),
    close: () => {
      ws.close();
      return closed;
    },
  };
}

/** A CallLib client (it acks every event once its app handled it), recording its offline records. */
async function sdkDevice(
  target: ServerProcess,
  userId: string,
  deviceId: string,
): Promise<{ client: HeadlessClient; records: IOfflineRecord[] }> {
  const records: IOfflineRecord[] = [];
  const client = await connectHeadless(target.url, target.appKey, userId, await target.getToken(userId), deviceId, {
    onOfflineRecord: (r) => records.push(r),
  });
  clients.push(client);
  return { client, records };
}

async function poll<T>(what: string, find: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls the server's SQLite file in `dataDir` (read beside the running server) until `read` finds something. */
async function untilStored<T>(dataDir: string, read: (storage: Storage) => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
  try {
    return (await vi.waitUntil(async () => (await read(storage)) ?? false, { timeout: timeoutMs, interval: 50 })) as T;
  } finally {
    await storage.close();
  }
}

const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));
const ids = (records: IOfflineRecord[]) => records.map((r) => r.callId);

/** A caller rings `calleeId` (no device online) and hangs up: one offline record for the callee. */
async function missedCall(target: ServerProcess, calleeId: string): Promise<string> {
  const callerId = `caller${++counter}`;
  const caller = await connectHeadless(target.url, target.appKey, callerId, await target.getToken(callerId));
  clients.push(caller);
  await target.getToken(calleeId);
  const placed = await caller.client.call({ targetId: calleeId, mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
  expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
  const callId = placed.session!.getSessionId();
  await placed.session!.hungup();
  return callId;
}

beforeAll(async () => {
  server = await startServerProcess({ env: SERVER_ENV });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  for (const ws of sockets) ws.terminate();
  await server?.stop();
  for (const s of extraServers) await s.stop().catch(() => undefined);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('offline records are kept until acked', () => {
  it('a device that closes without acking and stays away past the keep time: the next connect gets the record, once', async () => {
    const userId = `keep${++counter}`;
    const callId = await missedCall(server, userId);
    const phone = await rawDevice(server, userId, `${userId}-phone`);
    await poll('the record on the raw device', () => (phone.records().includes(callId) ? true : undefined));
    await phone.close();
    await new Promise((r) => setTimeout(r, PAST_STREAM_KEEP_MS));

    const sdk = await sdkDevice(server, userId, `${userId}-laptop`);
    await poll('the record on the next connect', () => (sdk.records.length > 0 ? true : undefined));
    await quiet();
    expect(ids(sdk.records)).toEqual([callId]);
    expect(sdk.records[0]).toMatchObject({ callId, endReason: RCCallEndReason.REMOTE_CANCEL, mediaType: RCCallMediaType.AUDIO });

    // Acked by the SDK: neither a fresh connect of the same device nor another device gets it again.
    await sdk.client.disconnect();
    const again = await sdkDevice(server, userId, `${userId}-laptop`);
    const other = await rawDevice(server, userId, `${userId}-tablet`);
    await quiet();
    expect(again.records).toEqual([]);
    expect(other.records()).toEqual([]);
  });

  it('a device replaced by a fresh connect of itself before acking gets the record again on the new stream', async () => {
    const userId = `reset${++counter}`;
    const callId = await missedCall(server, userId);
    const first = await rawDevice(server, userId, `${userId}-phone`);
    await poll('the record', () => (first.records().includes(callId) ? true : undefined));
    const second = await rawDevice(server, userId, `${userId}-phone`);
    expect(second.welcome.resumed).toBe(false);
    await poll('the record on the new stream', () => (second.records().includes(callId) ? true : undefined));
    await quiet();
    expect(second.records()).toEqual([callId]);
  });

  it('an acked record is not delivered again on reconnect', async () => {
    const userId = `acked${++counter}`;
    const callId = await missedCall(server, userId);
    const phone = await rawDevice(server, userId, `${userId}-phone`);
    const event = await poll('the record', () => phone.frames.find((f) => f.evt?.type === 'call.offline_record'));
    expect(event.evt!.callId).toBe(callId);
    phone.ack(event.seq!);
    await quiet();
    await phone.close();
    const again = await rawDevice(server, userId, `${userId}-phone`);
    const laptop = await rawDevice(server, userId, `${userId}-laptop`);
    await quiet();
    expect(again.records()).toEqual([]);
    expect(laptop.records()).toEqual([]);
  });
});

describe('two devices of one user', () => {
  it('connecting together: exactly one of them gets the record', async () => {
    const userId = `pair${++counter}`;
    const callId = await missedCall(server, userId);
    const [phone, laptop] = await Promise.all([
      sdkDevice(server, userId, `${userId}-phone`),
      sdkDevice(server, userId, `${userId}-laptop`),
    ]);
    await poll('the record on one device', () => (phone.records.length + laptop.records.length > 0 ? true : undefined));
    await quiet();
    expect([...ids(phone.records), ...ids(laptop.records)]).toEqual([callId]);
  });

  it('a record in flight on a live device is not sent to another; once that device is gone unacked, the next connect gets it', async () => {
    const userId = `split${++counter}`;
    const callId = await missedCall(server, userId);
    const phone = await rawDevice(server, userId, `${userId}-phone`);
    await poll('the record on the phone', () => (phone.records().includes(callId) ? true : undefined));
    const laptop = await sdkDevice(server, userId, `${userId}-laptop`);
    await quiet();
    expect(laptop.records).toEqual([]);

    await phone.close();
    await new Promise((r) => setTimeout(r, PAST_STREAM_KEEP_MS));
    await laptop.client.disconnect();
    const laptopAgain = await sdkDevice(server, userId, `${userId}-laptop`);
    await poll('the record on the laptop', () => (laptopAgain.records.length > 0 ? true : undefined));
    await quiet();
    expect(ids(laptopAgain.records)).toEqual([callId]);
  });
});

describe('server crash', () => {
  /** The caller's reconnect grace after the restart (it never comes back). */
  const CALLER_GRACE_MS = 1500;

  async function crashableServer(): Promise<{ first: ServerProcess; restart(env?: Record<string, string>): Promise<ServerProcess> }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'opencall-offline-'));
    dataDirs.push(dataDir);
    const first = await startServerProcess({ dataDir, env: SERVER_ENV });
    extraServers.push(first);
    return {
      first,
      async restart(env = {}) {
        const next = await startServerProcess({ dataDir, env: { ...SERVER_ENV, ...env } });
        extraServers.push(next);
        return next;
      },
    };
  }

  it('kill -9 between delivery and ack: the record is delivered again after the restart', async () => {
    const { first, restart } = await crashableServer();
    const userId = `crash${++counter}`;
    const callId = await missedCall(first, userId);
    const phone = await rawDevice(first, userId, `${userId}-phone`);
    await poll('the record before the crash', () => (phone.records().includes(callId) ? true : undefined));
    await first.kill('SIGKILL');

    const second = await restart();
    const sdk = await sdkDevice(second, userId, `${userId}-phone`);
    await poll('the record after the restart', () => (sdk.records.length > 0 ? true : undefined));
    await quiet();
    expect(ids(sdk.records)).toEqual([callId]);
  });

  it('kill -9 while a call rings for an invitee with no device, and the caller never comes back: the invitee gets an offline record', async () => {
    const { first, restart } = await crashableServer();
    const callerId = `ringer${++counter}`;
    const calleeId = `absent${counter}`;
    await first.getToken(calleeId);
    const caller = await connectHeadless(first.url, first.appKey, callerId, await first.getToken(callerId));
    const placed = await caller.client.call({ targetId: calleeId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: caller.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    await untilStored(first.dataDir, (storage) => storage.activeCalls.get(first.appKey, callId)); // the journaled ring
    await first.kill('SIGKILL');
    await caller.disconnect();

    // The call is carried on after the restart; the caller's device has the reconnect grace to return.
    const second = await restart({ OPENCALL_RECONNECT_GRACE_MS: String(CALLER_GRACE_MS) });
    // The caller's grace runs out and the call ends: its record is stored with the invitee's offline record.
    await untilStored(second.dataDir, (storage) => storage.calls.get(second.appKey, callId), CALLER_GRACE_MS + 10_000);
    const sdk = await sdkDevice(second, calleeId, `${calleeId}-phone`);
    await poll('the record after the restart', () => (sdk.records.length > 0 ? true : undefined));
    await quiet();
    expect(ids(sdk.records)).toEqual([callId]);
    expect(sdk.records[0]).toMatchObject({
      inviterId: callerId,
      targetId: callerId,
      mediaType: RCCallMediaType.AUDIO_VIDEO,
      endReason: RCCallEndReason.REMOTE_NETWORK_ERROR,
    });
    // The invitee never saw the call, so no session of it is closed on its device.
    expect(sdk.client.callbacks.filter((c) => c.sessionId === callId)).toEqual([]);
  });
});
