/**
 * The device that hangs up sends its last telemetry batch inside `call.hangup` (one request and one
 * answer fewer per call): on the real server, between headless CallLib clients over real WebSockets,
 * the hanger-up sends no `call.telemetry` frame of its own, and its setup timings are stored all the
 * same (read back through `/call/info.json`), next to those of the other side, which sends its own.
 */
import { RCCallErrorCode } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { placeAnsweredCall } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
const clients: HeadlessClient[] = [];
/** Every text frame the clients of this process send, in order. */
const sentFrames: string[] = [];
const originalSend = WebSocket.prototype.send;

beforeAll(async () => {
  WebSocket.prototype.send = function recordingSend(this: WebSocket, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string') sentFrames.push(data);
    return (originalSend as (...args: unknown[]) => void).call(this, data, ...rest);
  };
  server = await startServerProcess();
});

afterAll(async () => {
  WebSocket.prototype.send = originalSend;
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
});

async function user(userId: string): Promise<HeadlessClient> {
  const client = await connectHeadless(server.url, server.appKey, userId, await server.getToken(userId), `${userId}-dev`);
  clients.push(client);
  return client;
}

type Participant = { userId: string; setup: { inviteToRingingMs?: number } };

describe('telemetry carried by the hang-up', () => {
  it('the hanger-up sends no call.telemetry frame; both sides’ timings are stored', async () => {
    const alice = await user('tele-hangup-a');
    const bob = await user('tele-hangup-b');
    const { callId, callerSession } = await placeAnsweredCall(alice, bob);
    const before = sentFrames.length;
    expect((await callerSession.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    await bob.waitFor('onSessionClose', (c) => c.sessionId === callId);
    const frames = sentFrames.slice(before).map((text) => JSON.parse(text) as { t: string; callId?: string; telemetry?: unknown });
    const hangup = frames.find((f) => f.t === 'call.hangup' && f.callId === callId);
    expect(hangup?.telemetry).toMatchObject({ samples: [], setup: { ring: expect.any(Number) } });
    // Only bob's last batch is a frame of its own.
    await expect.poll(() => sentFrames.slice(before).filter((t) => t.includes('"call.telemetry"')).length, { timeout: 5_000 }).toBe(1);
    await expect
      .poll(
        async () => {
          const info = await server.signedPost('/call/info.json', { callId });
          const participants = (info.body.call?.participants ?? []) as Participant[];
          return participants.map((p) => [p.userId, typeof p.setup.inviteToRingingMs]);
        },
        { timeout: 5_000 },
      )
      .toEqual([
        [alice.userId, 'number'],
        [bob.userId, 'number'],
      ]);
  });
});
