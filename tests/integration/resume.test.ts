/**
 * A WebSocket drop is not a hang-up: the device resumes its event stream (missed events arrive in
 * order, once) and the call goes on; past the grace period the call ends with 7 / 17.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType, RCCallSessionState } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

let server: ServerProcess;
let proxy: TcpProxy;
const clients: HeadlessClient[] = [];
let counter = 0;

async function user(prefix: string, viaProxy: boolean): Promise<HeadlessClient> {
  const userId = `${prefix}${++counter}`;
  const client = await connectHeadless(viaProxy ? proxy.url : server.url, server.appKey, userId, await server.getToken(userId));
  clients.push(client);
  return client;
}

async function connectedPair() {
  const a = await user('ra', false);
  const b = await user('rb', true);
  const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO, listener: a.listener() });
  expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
  const callId = placed.session!.getSessionId();
  await b.waitFor('onSession', (c) => c.sessionId === callId);
  const sb = b.sessions.find((s) => s.getSessionId() === callId)!;
  await sb.accept();
  await a.waitFor('onAccept', (c) => c.sessionId === callId);
  await b.waitFor('onTrackReady', (c) => !(c.args[0] as { isLocalTrack(): boolean }).isLocalTrack());
  return { a, b, sa: placed.session!, sb, callId };
}

beforeAll(async () => {
  server = await startServerProcess({ env: { OPENCALL_RECONNECT_GRACE_MS: '1500' } });
  proxy = await startTcpProxy(Number(new URL(server.url).port));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await proxy?.close();
  await server?.stop();
});

describe('signaling drop', () => {
  it('resumes: events sent while the device was away arrive once, in order, and the call goes on', async () => {
    const { a, b, sa, sb, callId } = await connectedPair();
    const before = b.callbacks.length;
    proxy.block(true);
    proxy.cut();
    await sa.disableAudioTrack();
    await new Promise((r) => setTimeout(r, 100));
    await sa.enableAudioTrack();
    proxy.block(false);
    await b.waitFor('onAudioMuteChange', (c) => !(c.args[0] as { muted: boolean }).muted, 8000);
    const mutes = b.callbacks
      .slice(before)
      .filter((c) => c.name === 'onAudioMuteChange')
      .map((c) => (c.args[0] as { muted: boolean }).muted);
    expect(mutes).toEqual([true, false]);
    expect(b.callbacks.slice(before).some((c) => c.name === 'onHungup' || c.name === 'onSessionClose')).toBe(false);
    expect(sb.getState()).toBe(RCCallSessionState.KEEPING);
    await sa.hungup();
    expect((await b.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_HANGUP);
    expect(a.closes).toHaveLength(1);
  });

  it('past the grace period the absent side leaves with NETWORK_ERROR (the other sees REMOTE_NETWORK_ERROR)', async () => {
    const { a, b, callId } = await connectedPair();
    proxy.block(true);
    proxy.cut();
    try {
      expect((await a.waitFor('onHungup', (c) => c.sessionId === callId, 6000)).args[1]).toBe(RCCallEndReason.REMOTE_NETWORK_ERROR);
      expect((await a.waitForClose(callId)).summary.endReason).toBe(RCCallEndReason.REMOTE_NETWORK_ERROR);
    } finally {
      proxy.block(false);
    }
    expect((await b.waitForClose(callId, 8000)).summary.endReason).toBe(RCCallEndReason.NETWORK_ERROR);
  });
});
