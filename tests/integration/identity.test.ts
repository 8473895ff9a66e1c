/**
 * Identity the server vouches for: a push notice names the caller by the server's user record (set
 * by the app backend with `/user/getToken.json`), never by the profile the client registered; the
 * client's `registerUserInfo` profile still reaches the other clients unchanged, as CallLib defines.
 * Device ids are validated at hello.
 */
import { RCCallErrorCode, RCCallMediaType, type RCCallSession } from '@opencall/call';
import { createIMLib, type WebSocketConstructor } from '@opencall/imlib';
import { ErrorCode, PROTOCOL_VERSION } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { type PushSink, startPushSink } from '../helpers/test-users.js';

let server: ServerProcess;
const clients: HeadlessClient[] = [];
let pushSink: PushSink;

/** Registers the user through the app backend's API with a name and portrait, and returns a token. */
async function backendToken(userId: string, name: string, portraitUri: string): Promise<string> {
  const reply = await server.signedPost('/user/getToken.json', { userId, name, portraitUri });
  expect(reply.body.code).toBe(200);
  return reply.body.token as string;
}

async function pushesFor(userId: string, count: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 5000;
  const mine = () => pushSink.pushes.filter((p) => p.userId === userId);
  while (mine().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return mine();
}

beforeAll(async () => {
  pushSink = await startPushSink();
  server = await startServerProcess({ env: { OPENCALL_PUSH_WEBHOOK_URL: pushSink.url } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
  pushSink?.close();
});

describe('push notices', () => {
  it('carry the caller’s server-side name and portrait even when the client registered another', async () => {
    const token = await backendToken('alice1', 'Alice Server', 'https://cdn.example.com/alice.png');
    const a = await connectHeadless(server.url, server.appKey, 'alice1', token);
    clients.push(a);
    a.client.registerUserInfo({ name: 'Bank Support', portraitUri: 'https://evil.example.com/bank.png' });
    await backendToken('bob1', 'Bob', '');

    const placed = await a.client.call({ targetId: 'bob1', mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
    await placed.session!.hungup();
    const notices = await pushesFor('bob1', 2);
    expect(notices.map((n) => n.kind)).toEqual(['call', 'hangup']);
    for (const notice of notices) {
      expect(notice.sender).toEqual({ userId: 'alice1', name: 'Alice Server', portraitUri: 'https://cdn.example.com/alice.png' });
      expect(JSON.stringify(notice)).not.toContain('Bank Support');
      expect(JSON.stringify(notice)).not.toContain('evil.example.com');
    }
  });

  it('name the inviter of a mid-call invite by its server record', async () => {
    const a = await connectHeadless(server.url, server.appKey, 'carol1', await backendToken('carol1', 'Carol', 'https://cdn/c.png'));
    const b = await connectHeadless(server.url, server.appKey, 'dave1', await backendToken('dave1', 'Dave', 'https://cdn/d.png'));
    clients.push(a, b);
    await backendToken('erin1', 'Erin', '');
    b.client.registerUserInfo({ name: 'Not Dave' });
    const groupId = 'pushgroup1';
    expect(
      (await server.signedPost('/group/create.json', { groupId, groupName: 'g', userId: ['carol1', 'dave1', 'erin1'] })).body.code,
    ).toBe(200);
    const placed = await a.client.callInGroup({ targetId: groupId, userIds: ['dave1'], listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await b.waitFor('onSession', (c) => c.sessionId === callId);
    const sb = b.sessions.find((s: RCCallSession) => s.getSessionId() === callId)!;
    await sb.accept();
    await a.waitFor('onAccept', (c) => c.sessionId === callId);
    expect((await sb.invite(['erin1'])).code).toBe(RCCallErrorCode.SUCCESS);
    const [notice] = await pushesFor('erin1', 1);
    expect(notice).toMatchObject({ kind: 'call', sender: { userId: 'dave1', name: 'Dave', portraitUri: 'https://cdn/d.png' } });
    await placed.session!.hungup();
    await sb.hungup();
  });
});

describe('registerUserInfo', () => {
  it('still reaches the other client unchanged (client-supplied, as CallLib defines it)', async () => {
    const a = await connectHeadless(server.url, server.appKey, 'frank1', await backendToken('frank1', 'Frank', ''));
    const b = await connectHeadless(server.url, server.appKey, 'gina1', await backendToken('gina1', 'Gina', ''));
    clients.push(a, b);
    a.client.registerUserInfo({ name: 'Claimed Name', portraitUri: 'https://img/x.png', extra: 'x' });
    const placed = await a.client.call({ targetId: 'gina1', mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await b.waitFor('onSession', (c) => c.sessionId === callId);
    const sb = b.sessions.find((s: RCCallSession) => s.getSessionId() === callId)!;
    expect(sb.getRemoteUsers()[0]).toMatchObject({ userId: 'frank1', name: 'Claimed Name', portraitUri: 'https://img/x.png', extra: 'x' });
    await placed.session!.hungup();
  });
});

describe('device ids', () => {
  /** Sends a hello with `deviceId` on a raw socket; resolves with the first frame and the close code. */
  async function hello(deviceId: unknown): Promise<{ frame: Record<string, unknown>; closeCode: number }> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: await server.getToken('devids1'), deviceId }));
    const timer = setTimeout(() => ws.terminate(), 5000);
    const closeCode = await closed;
    clearTimeout(timer);
    return { frame: frames[0] ?? {}, closeCode };
  }

  it('a hello with an unsafe or over-long deviceId is refused with 36004 naming the rule', async () => {
    for (const deviceId of ['x'.repeat(65), 'has space', '../../etc', '<script>', 'dev\u0000id', '']) {
      const { frame, closeCode } = await hello(deviceId);
      expect(frame).toMatchObject({ t: 'refused', code: ErrorCode.OC_INVALID_FIELD, message: expect.stringContaining('deviceId') });
      expect(frame.message).toContain('1-64 characters of A-Z a-z 0-9 . _ : -');
      expect(closeCode).toBe(4001);
    }
  });

  it('the SDK’s own generated device id is accepted', async () => {
    const im = createIMLib({ WebSocket: WebSocket as unknown as WebSocketConstructor, runtimeTag: 'node' });
    im.init({ appkey: server.appKey, navigators: [server.url], logOutputLevel: 1 });
    const result = await im.connect(await server.getToken('devids2'));
    expect(result.code).toBe(0);
    await im.disconnect();
  });
});
