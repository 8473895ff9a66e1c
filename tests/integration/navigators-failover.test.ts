/**
 * Several servers in `navigators`: two real server processes with the same app key and secret (a
 * token from one is valid on the other). When the node the devices are on is killed (SIGKILL), the
 * SDK moves to the next navigator within a bounded time, and calls can be placed there.
 */
import { RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { deriveWebSocketUrl, Events, RCConnectionStatus } from '@opencall/imlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

/** A device must be back (CONNECTED on the other node) this soon after the kill. */
const RECONNECT_BOUND_MS = 5_000;

let a: ServerProcess;
let b: ServerProcess;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  a = await startServerProcess();
  b = await startServerProcess();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await a?.stop();
  await b?.stop();
});

/** Resolves with the time of the next CONNECTED event of `client`, or rejects after `timeoutMs`. */
function nextConnected(client: HeadlessClient, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.im.removeEventListener(Events.CONNECTED, onConnected);
      reject(new Error(`${client.userId} did not reconnect within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnected = (): void => {
      clearTimeout(timer);
      client.im.removeEventListener(Events.CONNECTED, onConnected);
      resolve(performance.now());
    };
    client.im.addEventListener(Events.CONNECTED, onConnected);
  });
}

describe('navigators failover', () => {
  it('kill -9 the node the devices are on: they reconnect to the next navigator in bounded time, and calls work there', async () => {
    const navigators = [a.url, b.url];
    const caller = await connectHeadless(navigators, a.appKey, 'naviCaller', await a.getToken('naviCaller'));
    const callee = await connectHeadless(navigators, a.appKey, 'naviCallee', await a.getToken('naviCallee'));
    clients.push(caller, callee);
    const [wsA, wsB] = [deriveWebSocketUrl({ navi: a.url }), deriveWebSocketUrl({ navi: b.url })];
    expect([caller.currentServer(), callee.currentServer()]).toEqual([wsA, wsA]);

    const reconnects = [nextConnected(caller, RECONNECT_BOUND_MS * 2), nextConnected(callee, RECONNECT_BOUND_MS * 2)];
    const killedAt = performance.now();
    await a.kill('SIGKILL');
    const times = (await Promise.all(reconnects)).map((t) => Math.round(t - killedAt));
    console.log(`navigators failover: reconnected to the second server ${times.join(' ms, ')} ms after SIGKILL of the first`);
    for (const ms of times) expect(ms).toBeLessThan(RECONNECT_BOUND_MS);
    expect(caller.im.getConnectionStatus()).toBe(RCConnectionStatus.CONNECTED);
    expect(callee.im.getConnectionStatus()).toBe(RCConnectionStatus.CONNECTED);
    expect([caller.currentServer(), callee.currentServer()]).toEqual([wsB, wsB]);

    const placed = await caller.client.call({ targetId: callee.userId, mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    expect(placed.code).toBe(RCCallErrorCode.SUCCESS);
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    expect((await callee.sessions.find((s) => s.getSessionId() === callId)!.accept()).code).toBe(RCCallErrorCode.SUCCESS);
    await caller.waitFor('onAccept', (c) => c.sessionId === callId);
  });
});
