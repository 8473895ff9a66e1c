/**
 * Webhooks an app backend can trust, against the real server process and a receiver on 127.0.0.1:
 * native call events signed the Standard Webhooks way (checked with the `standardwebhooks` verifier),
 * delivered once each, in order, with a stable id across retries (the receiver fails the first three
 * attempts, the third with a `Retry-After`); `kill -9` with deliveries pending → delivered after the
 * restart; RongCloud RTC room status sync bodies and header signatures; the SSRF guard. Also measures
 * the delivery latency (transition → receiver) and prints it as a METRIC line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeAnsweredCall, reconnected } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const verifier = new Webhook(SECRET);

let receiver: WebhookReceiver;
const clients: HeadlessClient[] = [];
const servers: ServerProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'opencall-webhooks-'));

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  for (const server of servers) await server.stop().catch(() => undefined);
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port?: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess({
    dataDir,
    env: {
      ...(port ? { PORT: String(port) } : {}),
      OPENCALL_WEBHOOK_URL: `${receiver.url}/hooks`,
      OPENCALL_WEBHOOK_SECRET: SECRET,
      OPENCALL_RTC_CALLBACK_URL: `${receiver.url}/rtc`,
      OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
      OPENCALL_WEBHOOK_RETRY_DELAYS_MS: '200,400',
      OPENCALL_RING_TIMEOUT_MS: '120000',
      ...env,
    },
  });
  servers.push(server);
  return server;
}

async function connect(server: ServerProcess, userId: string): Promise<HeadlessClient> {
  const client = await connectHeadless(server.url, server.appKey, userId, await server.getToken(userId));
  clients.push(client);
  return client;
}

const dataOf = (hook: ReceivedHook) => hook.body.data as Record<string, unknown>;
const eventsOf = (callId: string) => receiver.hooks.filter((h) => h.path === '/hooks' && dataOf(h).callId === callId);
const deliveredOf = (callId: string) => eventsOf(callId).filter((h) => h.status === 200);
const roomSyncOf = (roomId: string) => receiver.hooks.filter((h) => h.path === '/rtc' && h.body.roomId === roomId && h.status === 200);

/** Both devices joined the call's media room (room status sync 11 twice). */
const bothInRoom = (callId: string) => receiver.until(() => roomSyncOf(callId).filter((h) => h.body.event === 11).length === 2, 5000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('call webhooks', () => {
  it('a receiver failing the first 3 attempts gets every event of a call once, in order, same id, verified signature', async () => {
    const server = await start();
    const [caller, callee] = [await connect(server, 'whA1'), await connect(server, 'whB1')];
    const attempts = new Map<string, number>();
    receiver.answer = (hook) => {
      if (hook.path !== '/hooks' || dataOf(hook).callerId !== 'whA1') return { status: 200 };
      const id = String(hook.headers['webhook-id']);
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      if (hook.body.type !== 'call.invited' || n > 3) return { status: 200 };
      return n === 3 ? { status: 503, retryAfter: '1' } : { status: 500 };
    };
    const { callId, callerSession } = await placeAnsweredCall(caller, callee);
    expect(await bothInRoom(callId)).toBe(true);
    await callerSession.hungup();
    expect(await receiver.until(() => deliveredOf(callId).some((h) => h.body.type === 'call.ended'), 15_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000)); // room for a duplicate to show

    const delivered = deliveredOf(callId);
    const types = delivered.map((h) => h.body.type);
    expect(types[0]).toBe('call.invited');
    // The transitions end with call.ended; the telemetry's call.quality, when there, comes after it.
    expect(types.filter((t) => t !== 'call.quality').at(-1)).toBe('call.ended');
    if (types.includes('call.quality')) expect(types.indexOf('call.quality')).toBeGreaterThan(types.indexOf('call.ended'));
    expect(types).toContain('call.ringing');
    expect(types.indexOf('call.ringing')).toBeLessThan(types.indexOf('call.accepted'));
    expect(types.indexOf('call.accepted')).toBeLessThan(types.indexOf('call.member_left'));
    expect(types.filter((t) => t === 'call.member_joined').length).toBe(2);
    // Once each: no id delivered twice.
    const ids = delivered.map((h) => String(h.headers['webhook-id']));
    expect(new Set(ids).size).toBe(ids.length);
    // Same id across the retries; the receiver's Retry-After (1 s) honoured.
    const invited = eventsOf(callId).filter((h) => h.body.type === 'call.invited');
    expect(invited.map((h) => h.status)).toEqual([500, 500, 503, 200]);
    expect(new Set(invited.map((h) => h.headers['webhook-id'])).size).toBe(1);
    expect(invited[3]!.at - invited[2]!.at).toBeGreaterThanOrEqual(950);
    // In order: nothing of this call delivered before the invite finally was.
    expect(eventsOf(callId)[0]!.body.type).toBe('call.invited');
    expect(eventsOf(callId).findIndex((h) => h.body.type !== 'call.invited')).toBe(4);
    // Every attempt verifies with the standard verifier (each with its own fresh timestamp).
    for (const hook of eventsOf(callId)) {
      expect(() => verifier.verify(hook.raw, hook.headers as Record<string, string>)).not.toThrow();
      expect(String(hook.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    // A tampered body does not verify.
    const tampered = invited[3]!.raw.replace('whA1', 'whX1');
    expect(() => verifier.verify(tampered, invited[3]!.headers as Record<string, string>)).toThrow();
    // call.ended: both sides' reasons and durations, media type, participants.
    const ended = dataOf(delivered.find((h) => h.body.type === 'call.ended')!);
    expect(ended).toMatchObject({
      callId,
      callerId: 'whA1',
      mediaType: RCCallMediaType.AUDIO,
      media: 'audio',
      answered: true,
      endReason: 3,
    });
    const participants = ended.participants as Record<string, unknown>[];
    expect(participants.find((p) => p.userId === 'whA1')).toMatchObject({ isCaller: true, endReason: 3 });
    expect(participants.find((p) => p.userId === 'whB1')).toMatchObject({ isCaller: false, endReason: 13 });
    expect(ended.durationMs).toBeGreaterThan(0);
    // Each side's time in the call counts from the answer: the same for both here (± the hang-up's ms).
    const [callerTime, calleeTime] = ['whA1', 'whB1'].map((id) => participants.find((p) => p.userId === id)!.durationMs as number);
    expect(calleeTime).toBeGreaterThan(0);
    expect(Math.abs(callerTime! - calleeTime!)).toBeLessThanOrEqual(ended.durationMs as number);
    expect(callerTime).toBeLessThanOrEqual(ended.durationMs as number);
    await server.stop();
  }, 60_000);

  it('a call cancelled while ringing: call.ended then call.missed for the invitee', async () => {
    const server = await start();
    const [caller, callee] = [await connect(server, 'whA2'), await connect(server, 'whB2')];
    receiver.answer = () => ({ status: 200 });
    const placed = await caller.client.call({ targetId: 'whB2', mediaType: RCCallMediaType.AUDIO_VIDEO, listener: caller.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    await placed.session!.hungup();
    expect(await receiver.until(() => deliveredOf(callId).some((h) => h.body.type === 'call.missed'), 10_000)).toBe(true);
    const types = deliveredOf(callId).map((h) => h.body.type);
    expect(types.slice(-3)).toEqual(['call.member_left', 'call.ended', 'call.missed']);
    expect(dataOf(deliveredOf(callId).at(-1)!)).toMatchObject({ userId: 'whB2', inviterId: 'whA2', reason: 11, media: 'video' });
    expect(dataOf(deliveredOf(callId).at(-2)!)).toMatchObject({ answered: false, durationMs: 0, endReason: 1 });
    await server.stop();
  }, 60_000);

  it('kill -9 with deliveries pending: after a restart on the same data dir they arrive, same ids, in order', async () => {
    const first = await start();
    const port = Number(new URL(first.url).port);
    const [caller, callee] = [await connect(first, 'whA3'), await connect(first, 'whB3')];
    receiver.answer = (hook) => (hook.path === '/hooks' && dataOf(hook).callerId === 'whA3' ? 'hold' : { status: 200 });
    const placed = await caller.client.call({ targetId: 'whB3', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    expect(await receiver.until(() => eventsOf(callId).length >= 1, 5000)).toBe(true);
    const heldId = eventsOf(callId)[0]!.headers['webhook-id'];

    await first.kill('SIGKILL');
    receiver.answer = () => ({ status: 200 });
    await start(port);
    await Promise.all([reconnected(caller), reconnected(callee)]);
    expect(await receiver.until(() => deliveredOf(callId).length >= 2, 20_000)).toBe(true);
    const delivered = deliveredOf(callId);
    expect(delivered[0]!.headers['webhook-id']).toBe(heldId);
    expect(delivered.map((h) => h.body.type).slice(0, 2)).toEqual(['call.invited', 'call.ringing']);
  }, 60_000);
});

describe('RTC room status sync (RongCloud, version 1.1)', () => {
  it('room created, members joined and left, room destroyed: bodies and header signatures as RongCloud sends them', async () => {
    const server = await start(undefined, { OPENCALL_RTC_SYNC_INTERVAL_S: '1' });
    const [caller, callee] = [await connect(server, 'whA4'), await connect(server, 'whB4')];
    receiver.answer = () => ({ status: 200 });
    const { callId, callerSession } = await placeAnsweredCall(caller, callee, RCCallMediaType.AUDIO_VIDEO);
    expect(await bothInRoom(callId)).toBe(true);
    // The periodic snapshot (every 1 s here) lists both members.
    const snapshot = () => roomSyncOf(callId).find((h) => h.body.event === 1 && (h.body.members as unknown[]).length === 2);
    expect(await receiver.until(() => snapshot() !== undefined, 5000)).toBe(true);
    // The call turns audio-only: the caller's resources changed.
    expect((await callerSession.descendAbility()).code).toBe(RCCallErrorCode.SUCCESS);
    expect(await receiver.until(() => roomSyncOf(callId).some((h) => h.body.event === 20), 5000)).toBe(true);
    await callerSession.hungup();
    expect(await receiver.until(() => roomSyncOf(callId).some((h) => h.body.event === 3), 10_000)).toBe(true);
    const syncs = roomSyncOf(callId);
    expect(syncs.map((h) => h.body.event).filter((e) => e !== 1)).toEqual([2, 11, 11, 20, 12, 12, 3]);
    expect(syncs.find((h) => h.body.event === 20)!.body.userId).toBe('whA4');
    expect(snapshot()!.body).toMatchObject({ userId: '', roomId: callId });
    for (const hook of syncs) {
      const { appkey, nonce, timestamp, signature } = hook.headers as Record<string, string>;
      expect(appkey).toBe(server.appKey);
      expect(nonce!.length).toBeLessThanOrEqual(18);
      expect(Math.abs(Number(timestamp) - hook.at)).toBeLessThan(5000);
      expect(signature).toBe(
        createHash('sha1')
          .update(server.appSecret + nonce + timestamp)
          .digest('hex'),
      );
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.body).toMatchObject({ version: '1.1', roomId: callId, channelId: callId });
      // The id the SDK reports (and /rtc/room/query.json answers) for this room.
      expect(hook.body.sessionId).toBe(callerSession.getRTCSessionId());
    }
    const left = syncs.filter((h) => h.body.event === 12);
    expect(syncs.find((h) => h.body.event === 3)!.body.durationTime).toBeGreaterThan(0);
    expect(left.map((h) => h.body.userId).sort()).toEqual(['whA4', 'whB4']);
    for (const hook of left) expect(hook.body).toMatchObject({ exitType: 0 });
    expect(syncs[1]!.body.members).toEqual([{ userId: syncs[1]!.body.userId, joinTime: expect.any(Number) }]);
    await server.stop();
  }, 60_000);
});

describe('webhook targets', () => {
  it('a loopback target is refused without OPENCALL_WEBHOOK_ALLOW_PRIVATE=1 (nothing is sent; the row is a dead letter)', async () => {
    const server = await start(undefined, { OPENCALL_WEBHOOK_ALLOW_PRIVATE: '0' });
    const [caller, callee] = [await connect(server, 'whA5'), await connect(server, 'whB5')];
    const placed = await caller.client.call({ targetId: 'whB5', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    await callee.waitFor('onSession', (c) => c.sessionId === placed.session!.getSessionId());
    expect(await receiver.until(() => server.logs().includes('private or loopback'), 15_000)).toBe(true);
    expect(server.logs()).toContain('delivery given up');
    expect(eventsOf(placed.session!.getSessionId())).toEqual([]);
    await server.stop();
  }, 60_000);

  it('delivery latency, transition → receiver, over 20 calls (METRIC line)', async () => {
    const server = await start();
    const [caller, callee] = [await connect(server, 'whA6'), await connect(server, 'whB6')];
    receiver.answer = () => ({ status: 200 });
    const callIds: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const { callId, callerSession } = await placeAnsweredCall(caller, callee);
      await callerSession.hungup();
      await caller.waitForClose(callId);
      callIds.push(callId);
    }
    expect(await receiver.until(() => callIds.every((id) => deliveredOf(id).some((h) => h.body.type === 'call.ended')), 15_000)).toBe(true);
    const latencies = callIds
      .flatMap((id) => deliveredOf(id))
      .map((h) => h.at - Date.parse(String(h.body.timestamp)))
      .sort((a, b) => a - b);
    // invited, accepted, member_left, ended at least (a hang-up right after the answer may come before a media join).
    expect(latencies.length).toBeGreaterThanOrEqual(20 * 4);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(`METRIC webhook_delivery_latency_ms p50=${p50} p99=${p99} n=${latencies.length}`);
    expect(p50).toBeGreaterThanOrEqual(0);
    expect(p99).toBeLessThan(5000);
    await server.stop();
  }, 90_000);
});
