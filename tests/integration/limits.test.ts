/** Limits, each answered with a clear code and none taking the server down. */
import { ErrorCode, PROTOCOL_VERSION, RCCallErrorCode, RCCallMediaType, WsCloseCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
const clients: HeadlessClient[] = [];
const sockets: WebSocket[] = [];

async function rawHello(
  userId: string,
  deviceId: string,
): Promise<{ ws: WebSocket; first: Promise<Record<string, unknown>>; frames: Record<string, unknown>[] }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  const first = new Promise<Record<string, unknown>>((resolve) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      if (frames.length === 1) resolve(frame);
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: await server.getToken(userId), deviceId }));
  return { ws, first, frames };
}

beforeAll(async () => {
  server = await startServerProcess({
    env: { OPENCALL_MAX_DEVICES_PER_USER: '2', OPENCALL_CALLS_PER_MINUTE: '3', OPENCALL_WS_RATE_PER_SEC: '5' },
  });
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
});

describe('limits', () => {
  it('devices per user: the third device is refused with 36009; the first two stay connected', async () => {
    const one = await rawHello('dev-limit', 'd1');
    const two = await rawHello('dev-limit', 'd2');
    expect((await one.first).t).toBe('welcome');
    expect((await two.first).t).toBe('welcome');
    const three = await rawHello('dev-limit', 'd3');
    expect(await three.first).toMatchObject({ t: 'refused', code: ErrorCode.OC_TOO_MANY_DEVICES });
    const again = await rawHello('dev-limit', 'd1');
    expect((await again.first).t).toBe('welcome');
  });

  it('frames per connection: requests and pings over the rate get 36006 (with their rid); the connection stays usable', async () => {
    const conn = await rawHello('rate-limit', 'd1');
    await conn.first;
    for (let rid = 1; rid <= 30; rid += 1) conn.ws.send(JSON.stringify({ t: 'call.ringing', rid, callId: 'nope' }));
    // Pings count too: this one comes with the bucket empty.
    conn.ws.send(JSON.stringify({ t: 'ping' }));
    const deadline = Date.now() + 3000;
    const answered = () => conn.frames.filter((f) => (f.t === 'res' || f.t === 'error') && typeof f.rid === 'number');
    while (answered().length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(answered()).toHaveLength(30);
    const limited = answered().filter((f) => f.code === ErrorCode.OC_RATE_LIMITED);
    expect(limited.length).toBeGreaterThan(0);
    expect(answered().filter((f) => f.code === RCCallErrorCode.CALL_NOT_FOUND).length).toBeGreaterThan(0);
    expect(conn.frames.filter((f) => f.t === 'error' && f.rid === undefined)).toEqual([
      expect.objectContaining({ code: ErrorCode.OC_RATE_LIMITED }),
    ]);
    expect(conn.frames.some((f) => f.t === 'pong')).toBe(false);
    // Once the bucket has refilled (5 frames/s here), a ping gets its pong.
    await new Promise((r) => setTimeout(r, 500));
    conn.ws.send(JSON.stringify({ t: 'ping' }));
    const pongDeadline = Date.now() + 2000;
    while (!conn.frames.some((f) => f.t === 'pong') && Date.now() < pongDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(conn.frames.some((f) => f.t === 'pong')).toBe(true);
  });

  it('a flood of bad frames gets at most the error budget of replies, then the socket is closed as flooding (4003)', async () => {
    const conn = await rawHello('bad-flood', 'd1');
    await conn.first;
    const closed = new Promise<number>((resolve) => conn.ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 500; i += 1) conn.ws.send('{not json');
    expect(await closed).toBe(WsCloseCode.FLOODING);
    const errors = conn.frames.filter((f) => f.t === 'error');
    // The default budget: 20 replies/s, burst 40 (plus what refills while the flood goes on).
    expect(errors.length).toBeGreaterThanOrEqual(40);
    expect(errors.length).toBeLessThan(50);
    expect(errors.every((f) => f.code === ErrorCode.OC_MALFORMED_FRAME)).toBe(true);
  });

  it('calls per user per minute: the fourth is refused with 53219', async () => {
    const a = await connectHeadless(server.url, server.appKey, 'attempts-a', await server.getToken('attempts-a'));
    clients.push(a);
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const placed = await a.client.call({ targetId: `attempts-b${i}`, mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
      codes.push(placed.code);
      await placed.session?.hungup();
    }
    expect(codes).toEqual([RCCallErrorCode.SUCCESS, RCCallErrorCode.SUCCESS, RCCallErrorCode.SUCCESS, RCCallErrorCode.CALL_RATE_LIMITED]);
  });

  it('group size without an SFU: more than 4 participants is refused with 53218, at call and at invite', async () => {
    const members = ['g1', 'g2', 'g3', 'g4', 'g5'];
    expect((await server.signedPost('/group/create.json', { groupId: 'limits-group', groupName: 'x', userId: members })).body.code).toBe(
      200,
    );
    const g1 = await connectHeadless(server.url, server.appKey, 'g1', await server.getToken('g1'));
    clients.push(g1);
    const tooMany = await g1.client.callInGroup({ targetId: 'limits-group', userIds: ['g2', 'g3', 'g4', 'g5'], listener: g1.listener() });
    expect(tooMany.code).toBe(RCCallErrorCode.PARTICIPANT_LIMIT);
    const placed = await g1.client.callInGroup({ targetId: 'limits-group', userIds: ['g2', 'g3', 'g4'], listener: g1.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    expect((await placed.session!.invite(['g5'])).code).toBe(RCCallErrorCode.PARTICIPANT_LIMIT);
    await placed.session!.hungup();
  });
});
