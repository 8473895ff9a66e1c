/**
 * The RTC server API on a live call in real Chromium (P2P over loopback): `/rtc/room/query.json`
 * lists both members with the audio and video tracks their browsers publish, and
 * `/rtc/user/kick.json` ends the call with KICKED_BY_SERVER (23) on the kicked browser and
 * REMOTE_KICKED_BY_SERVER (33) on the other; the kicked user may call again at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { MediaType } from './harness/sdk-user.js';

const KICKED_BY_SERVER = 23;
const REMOTE_KICKED_BY_SERVER = 33;

interface Member {
  userId: string;
  joinTime: number;
  data: { uris: { mediaType: number; msid: string; uri: string; tag: string }[] };
}

describe('RTC server API on a browser call', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'server-api-rtc', budgetMs: 180_000 });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('room query while the call runs; kick: 23 on the kicked browser, 33 on the other', async () => {
    const alice = await env.openSdkUser('rtcapi-alice');
    const bob = await env.openSdkUser('rtcapi-bob');
    const callId = await alice.call(bob.userId, MediaType.AUDIO_VIDEO);
    await bob.waitFor({ name: 'onSession', callId });
    await bob.accept(callId);
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 30), bob.waitForRemoteFrames(alice.userId, 30)]);

    const room = await env.server.signedPost('/rtc/room/query.json', { roomId: callId });
    expect(room.body).toMatchObject({ code: 200, roomId: callId });
    // The server's RTC session id of the call (protocol `rtcSessionIdOf`: call id and connect time).
    expect(room.body.sessionId).toBe(`${callId}_${room.body.createTime}`);
    const members = room.body.members as Member[];
    expect(members.map((m) => m.userId).sort()).toEqual([alice.userId, bob.userId].sort());
    for (const member of members) {
      expect(member.data.uris.map((u) => u.mediaType).sort(), `${member.userId} publishes audio and video`).toEqual([0, 1]);
      for (const uri of member.data.uris) expect(uri.msid).toBe(`${member.userId}_${uri.tag}`);
    }

    expect(await env.server.signedPost('/rtc/user/kick.json', { userId: bob.userId, roomId: callId })).toEqual({
      status: 200,
      body: { code: 200 },
    });
    expect((await bob.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(KICKED_BY_SERVER);
    expect(await alice.waitFor({ name: 'onHungup', callId })).toMatchObject({ sender: bob.userId, reason: REMOTE_KICKED_BY_SERVER });
    expect((await alice.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(REMOTE_KICKED_BY_SERVER);
    expect((await env.server.signedPost('/rtc/room/query.json', { roomId: callId })).body.code).toBe(40003);

    // A kick is not a ban: bob calls again and alice's browser rings.
    const again = await bob.call(alice.userId, MediaType.AUDIO);
    await alice.waitFor({ name: 'onSession', callId: again });
    await bob.hangup(again);
    await alice.waitFor({ name: 'onSessionClose', callId: again });
  });
});
