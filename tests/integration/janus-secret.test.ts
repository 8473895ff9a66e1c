/**
 * The server-managed Janus has an API secret (README "Janus"): a client on the same machine that
 * connects to its WebSocket API directly cannot create a session without it, while group calls
 * through the server still get their room and an SDP answer from Janus (signaling only: no ICE
 * candidates are exchanged, so no media leaves loopback).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION, RCCallErrorCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SIGNALING_ONLY_OFFER } from '../helpers/janus-server.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const JANUS = '/usr/bin/janus';
const sockets: WebSocket[] = [];
let server: ServerProcess;
let janusUrl = '';

interface Socket {
  frames: Record<string, unknown>[];
  send(frame: unknown): void;
  next(match: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function openSocket(url: string, protocol?: string): Promise<Socket> {
  const ws = protocol ? new WebSocket(url, protocol) : new WebSocket(url);
  sockets.push(ws);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    async next(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const index = frames.findIndex(match);
        if (index >= 0) return frames.splice(index, 1)[0]!;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no matching frame; got ${JSON.stringify(frames).slice(0, 500)}`);
    },
  };
}

/** A signed-in raw IM socket that answers requests by `rid` and acks events. */
async function imUser(userId: string) {
  const socket = await openSocket(`${server.url.replace('http', 'ws')}/ws`);
  socket.send({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token: await server.getToken(userId), deviceId: `${userId}-raw` });
  await socket.next((f) => f.t === 'welcome');
  let rid = 0;
  return {
    socket,
    async request(frame: Record<string, unknown>): Promise<Record<string, unknown>> {
      const id = ++rid;
      socket.send({ ...frame, rid: id });
      return socket.next((f) => f.t === 'res' && f.rid === id, 10_000);
    },
    event(type: string, timeoutMs?: number) {
      return socket.next((f) => f.t === 'evt' && (f.evt as { type?: string } | undefined)?.type === type, timeoutMs);
    },
  };
}

const OFFER = SIGNALING_ONLY_OFFER;

const haveJanus = existsSync(JANUS);

beforeAll(async () => {
  if (!haveJanus) return;
  // `lo`: Janus gathers no candidates at all here, so the check stays signaling-only.
  server = await startServerProcess({ env: { OPENCALL_SFU: 'auto', OPENCALL_JANUS_ICE_INTERFACE: 'lo' } });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const up = server
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; url?: string })
      .find((entry) => entry.msg === 'janus up');
    if (up?.url) {
      janusUrl = up.url;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!janusUrl) throw new Error(`janus did not come up:\n${server.logs().slice(-3000)}`);
}, 60_000);

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await server?.stop();
});

describe.skipIf(!haveJanus)('the managed Janus', () => {
  it('refuses a session to a client without the API secret (403), or with a wrong one', async () => {
    expect(janusUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    const janus = await openSocket(janusUrl, 'janus-protocol');
    janus.send({ janus: 'create', transaction: 'no-secret' });
    expect(await janus.next((f) => f.transaction === 'no-secret')).toMatchObject({ janus: 'error', error: { code: 403 } });
    janus.send({ janus: 'create', transaction: 'wrong-secret', apisecret: 'guessed-secret' });
    expect(await janus.next((f) => f.transaction === 'wrong-secret')).toMatchObject({ janus: 'error', error: { code: 403 } });
    // `info` and `ping` stay open in Janus (no session, nothing to drive): README says so.
    janus.send({ janus: 'info', transaction: 'info' });
    expect(await janus.next((f) => f.transaction === 'info')).toMatchObject({ janus: 'server_info' });
    janus.send({ janus: 'ping', transaction: 'ping' });
    expect(await janus.next((f) => f.transaction === 'ping')).toMatchObject({ janus: 'pong' });
    // Nor can it reach the VideoRoom through someone else's session id.
    janus.send({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: 1, transaction: 'attach' });
    expect(await janus.next((f) => f.transaction === 'attach')).toMatchObject({ janus: 'error' });
  });

  it('answers the server’s own secret, which is random per start and never written to a log', async () => {
    const config = readFileSync(join(server.dataDir, 'janus', 'janus.jcfg'), 'utf8');
    const secret = /\tapi_secret = "([^"]+)"/.exec(config)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const janus = await openSocket(janusUrl, 'janus-protocol');
    janus.send({ janus: 'create', transaction: 'right-secret', apisecret: secret });
    expect(await janus.next((f) => f.transaction === 'right-secret')).toMatchObject({ janus: 'success', data: { id: expect.any(Number) } });
    expect(server.logs()).not.toContain(secret!);
    const janusLog = join(server.dataDir, 'janus', 'janus.log');
    if (existsSync(janusLog)) expect(readFileSync(janusLog, 'utf8')).not.toContain(secret!);
  });

  it('a group call through the server still gets its Janus room and an SDP answer', async () => {
    const a = await imUser('ja1');
    const b = await imUser('jb1');
    expect((await server.signedPost('/group/create.json', { groupId: 'jg1', groupName: 'g', userId: ['ja1', 'jb1'] })).body.code).toBe(200);
    const callId = 'janus-secret-call-1';
    const invited = await a.request({ t: 'call.invite', callId, conversationType: 3, targetId: 'jg1', mediaType: 1, userIds: ['jb1'] });
    expect(invited.code).toBe(RCCallErrorCode.SUCCESS);
    await b.event('call.invited');
    expect((await b.request({ t: 'call.accept', callId })).code).toBe(RCCallErrorCode.SUCCESS);
    const joined = await a.request({ t: 'rtc.join', roomId: callId });
    expect(joined).toMatchObject({ code: RCCallErrorCode.SUCCESS, data: { mode: 'sfu' } });
    const published = await a.request({ t: 'sfu.publish', roomId: callId, description: { type: 'offer', sdp: OFFER } });
    expect(published.code).toBe(RCCallErrorCode.SUCCESS);
    const answer = (published.data as { description: { type: string; sdp: string } }).description;
    expect(answer.type).toBe('answer');
    expect(answer.sdp).toMatch(/^v=0\r\n/);
    expect(answer.sdp).toContain('m=audio');
    expect((await a.request({ t: 'call.hangup', callId })).code).toBe(RCCallErrorCode.SUCCESS);
  });
});
