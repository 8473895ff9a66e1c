/**
 * The IM WebSocket boundary of the real server: authentication, heartbeat, and bad frames answered
 * with catalogued codes while the connection stays usable.
 */
import { ErrorCode, MAX_FRAME_BYTES, PROTOCOL_VERSION, RCCallErrorCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
const sockets: WebSocket[] = [];

interface RawClient {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  closed: Promise<number>;
  send(frame: unknown): void;
  next(match: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function open(): Promise<RawClient> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async next(match, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const index = frames.findIndex(match);
        if (index >= 0) return frames.splice(index, 1)[0]!;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
    },
  };
}

async function authenticated(userId: string): Promise<RawClient> {
  const client = await open();
  client.send({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: await server.getToken(userId), deviceId: `${userId}-raw` });
  await client.next((f) => f.t === 'welcome');
  return client;
}

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await server?.stop();
});

describe('authentication', () => {
  it('refuses a forged token with 31004 and closes', async () => {
    const client = await open();
    client.send({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: 'not-a-token', deviceId: 'd' });
    expect(await client.next((f) => f.t === 'refused')).toMatchObject({ code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
    await client.closed;
  });

  it('refuses a first frame that is not hello', async () => {
    const client = await open();
    client.send({ t: 'ping' });
    expect(await client.next((f) => f.t === 'refused')).toMatchObject({ code: ErrorCode.OC_NOT_AUTHENTICATED });
    await client.closed;
  });

  it('refuses another protocol version with 31001', async () => {
    const client = await open();
    client.send({ t: 'hello', v: PROTOCOL_VERSION + 1, appKey: server.appKey, token: await server.getToken('v1'), deviceId: 'd' });
    expect(await client.next((f) => f.t === 'refused')).toMatchObject({ code: ErrorCode.RC_CONN_PROTO_VERSION_ERROR });
  });

  it('welcomes a valid token with the user id, server time and heartbeat', async () => {
    const client = await open();
    client.send({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: await server.getToken('welcome1'), deviceId: 'd' });
    const welcome = await client.next((f) => f.t === 'welcome');
    expect(welcome).toMatchObject({ userId: 'welcome1', v: PROTOCOL_VERSION });
    expect(welcome.serverTime).toBeGreaterThan(0);
    client.send({ t: 'ping' });
    expect(await client.next((f) => f.t === 'pong')).toHaveProperty('serverTime');
  });

  it('closes a live connection within 1 s when its token is revoked, and refuses it afterwards', async () => {
    const token = await server.getToken('revoked1');
    const client = await open();
    client.send({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token, deviceId: 'd' });
    await client.next((f) => f.t === 'welcome');
    const reply = await server.signedPost('/user/token/expire.json', { userId: 'revoked1', time: String(Date.now() + 1) });
    expect(reply.body.code).toBe(200);
    expect(await client.next((f) => f.t === 'bye', 1000)).toMatchObject({ code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    await client.closed;
    const again = await open();
    again.send({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token, deviceId: 'd' });
    expect(await again.next((f) => f.t === 'refused')).toMatchObject({ code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
  });
});

describe('bad frames after authentication', () => {
  it.each([
    ['not JSON', '{oops', ErrorCode.OC_MALFORMED_FRAME],
    ['not an object', '[1,2]', ErrorCode.OC_MALFORMED_FRAME],
    ['unknown type', JSON.stringify({ t: 'call.teleport', rid: 1 }), ErrorCode.OC_UNKNOWN_FRAME],
    ['invalid field', JSON.stringify({ t: 'call.invite', rid: 2, callId: '' }), ErrorCode.OC_INVALID_FIELD],
    ['oversized', JSON.stringify({ t: 'ping', pad: 'x'.repeat(MAX_FRAME_BYTES + 10) }), ErrorCode.OC_FRAME_TOO_LARGE],
  ])('%s → error %s, connection still usable', async (_name, text, code) => {
    const client = await authenticated(`bad${code}${_name.length}`);
    client.send(text);
    expect(await client.next((f) => f.t === 'error')).toMatchObject({ code });
    client.send({ t: 'ping' });
    await client.next((f) => f.t === 'pong');
  });

  it('echoes the rid of an invalid request so the client can settle it', async () => {
    const client = await authenticated('ridecho');
    client.send({ t: 'call.accept', rid: 77, callId: 42 });
    expect(await client.next((f) => f.t === 'error')).toMatchObject({ code: ErrorCode.OC_INVALID_FIELD, rid: 77 });
  });

  it('answers intents on unknown calls and rooms with call codes', async () => {
    const client = await authenticated('nocall');
    client.send({ t: 'call.accept', rid: 1, callId: 'nope' });
    expect(await client.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ code: RCCallErrorCode.CALL_NOT_FOUND });
    client.send({ t: 'rtc.join', rid: 2, roomId: 'nope' });
    expect(await client.next((f) => f.t === 'res' && f.rid === 2)).toMatchObject({ code: RCCallErrorCode.CALL_NOT_FOUND });
    client.send({ t: 'call.invite', rid: 3, callId: 'c1', conversationType: 1, targetId: 'nocall', mediaType: 1, userIds: ['nocall'] });
    expect(await client.next((f) => f.t === 'res' && f.rid === 3)).toMatchObject({ code: RCCallErrorCode.PARAM_ERROR });
  });

  it('does not let a user outside a call join its room or signal into it', async () => {
    const caller = await authenticated('roomA');
    const outsider = await authenticated('roomX');
    caller.send({
      t: 'call.invite',
      rid: 1,
      callId: 'room-guard-1',
      conversationType: 1,
      targetId: 'roomB',
      mediaType: 2,
      userIds: ['roomB'],
    });
    expect(await caller.next((f) => f.t === 'res' && f.rid === 1)).toMatchObject({ code: RCCallErrorCode.SUCCESS });
    outsider.send({ t: 'rtc.join', rid: 5, roomId: 'room-guard-1' });
    expect(await outsider.next((f) => f.t === 'res' && f.rid === 5)).toMatchObject({ code: RCCallErrorCode.NOT_IN_CALL });
    outsider.send({ t: 'call.hangup', rid: 6, callId: 'room-guard-1' });
    expect(await outsider.next((f) => f.t === 'res' && f.rid === 6)).toMatchObject({ code: RCCallErrorCode.NOT_IN_CALL });
    caller.send({ t: 'call.hangup', rid: 7, callId: 'room-guard-1' });
    expect(await caller.next((f) => f.t === 'res' && f.rid === 7)).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  });
});
