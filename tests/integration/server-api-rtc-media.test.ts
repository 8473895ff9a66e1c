/**
 * `/rtc/room/query.json` and `/rtc/user/kick.json` on a call with real media: two headless bots in
 * Node with real WebRTC (`@roamhq/wrtc`, synthetic audio and video, P2P over loopback). The room lists
 * the tracks each member publishes, read from the SDP it sent; a kick ends the call with 23 / 33.
 */
import { RCCallEndReason } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, signingHeaders, startServerProcess } from '../helpers/server-process.js';
import { type BotHost, type BotStatus, spawnBotHost } from '../helpers/wrtc-bot.js';

let server: ServerProcess;
let host: BotHost;

beforeAll(async () => {
  server = await startServerProcess();
  host = spawnBotHost(30_000);
});

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

async function rtcPost(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { ...signingHeaders(server.appKey, server.appSecret), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls until `done` holds (bounded by `timeoutMs`, every 200 ms); returns the last value. */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms; last ${JSON.stringify(last)}\n${host.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

interface Member {
  userId: string;
  joinTime: number;
  data: { uris: { mediaType: number; msid: string; uri: string; tag: string }[] };
}

describe('room query and kick with real media', () => {
  it('lists audio and video published by each member; the kicked bot ends with 23, the other with 33', async () => {
    const [caller, callee] = ['media-a', 'media-b'];
    await host.add([
      { url: server.url, appKey: server.appKey, userId: caller, token: await server.getToken(caller) },
      { url: server.url, appKey: server.appKey, userId: callee, token: await server.getToken(callee), autoAcceptAfterMs: 0 },
    ]);
    const callId = await host.call(caller, callee);
    expect(callId).not.toBe('');

    const room = await until(
      'both members publish audio and video',
      () => rtcPost('/rtc/room/query.json', { roomId: callId }),
      (reply) => {
        const members = (reply.body.members ?? []) as Member[];
        return members.length === 2 && members.every((m) => m.data.uris.length === 2);
      },
    );
    expect(room.body).toMatchObject({ code: 200, roomId: callId });
    expect(room.body.sessionId).toBe(`${callId}_${room.body.createTime}`);
    for (const member of room.body.members as Member[]) {
      const msid = `${member.userId}_RongCloudRTC`;
      expect(member.data.uris).toEqual(
        expect.arrayContaining([
          { mediaType: 0, msid, uri: `${msid}_audio`, tag: 'RongCloudRTC' },
          { mediaType: 1, msid, uri: `${msid}_video`, tag: 'RongCloudRTC' },
        ]),
      );
    }

    expect(await rtcPost('/rtc/user/kick.json', { userId: callee, roomId: callId })).toEqual({ status: 200, body: { code: 200 } });
    const ended = await until(
      'both bots end',
      () => host.status(),
      (all: BotStatus[]) => all.every((s) => s.endReason !== null),
    );
    const reasons = Object.fromEntries(ended.map((s) => [s.userId, s.endReason]));
    expect(reasons).toEqual({ [callee]: RCCallEndReason.KICKED_BY_SERVER, [caller]: RCCallEndReason.REMOTE_KICKED_BY_SERVER });
  });
});
