/**
 * A large group call through the server-managed Janus SFU: 2 Chromium pages + `@roamhq/wrtc` bots
 * (tests/helpers/wrtc-bot.ts, in a child process) publishing synthetic 320×240 video. Every browser
 * decodes every bot; every bot gets every other participant's tracks and decodes their video.
 * The bots join staggered (2 cores). Size: `SFU_SCALE_BOTS` bots (default 14, so 16 participants).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotHost, type BotStatus, spawnBotHost } from '../helpers/wrtc-bot.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { openGroupUser } from './harness/group-agent.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';
import { addVeth, type Veth } from './harness/veth.js';

const BOTS = Number(process.env.SFU_SCALE_BOTS) || 14;
const JOIN_STAGGER_MS = 600;
const BOT_FPS = 10;
const FRAMES = 5;
const MEDIA_TIMEOUT_MS = 90_000;

/** Polls the bots until `done` holds for all of them, or fails with what is missing. */
async function waitForBots(host: BotHost, what: string, done: (s: BotStatus) => boolean, timeoutMs: number): Promise<BotStatus[]> {
  const deadline = Date.now() + timeoutMs;
  let last: BotStatus[] = [];
  while (Date.now() < deadline) {
    last = await host.status();
    if (last.length > 0 && last.every(done)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  const missing = last
    .filter((s) => !done(s))
    .map((s) => `${s.userId}: video from ${s.videoReadyFrom.length}, frames ${JSON.stringify(s.framesFrom)}`);
  throw new Error(`bots: not all ${what} within ${timeoutMs} ms:\n${missing.join('\n')}\n${host.output().slice(-3000)}`);
}

describe(`a ${BOTS + 2}-participant group call through the Janus SFU`, () => {
  let env: E2eEnv;
  let veth: Veth;
  let host: BotHost;

  beforeAll(async () => {
    veth = addVeth('ocscale0', 'ocscale1', '10.98.0.1');
    env = await startE2eEnv({
      label: 'sfu-scale',
      budgetMs: 300_000,
      serverEnv: { OPENCALL_SFU: 'auto', OPENCALL_JANUS_ICE_INTERFACE: veth.iface, OPENCALL_RING_TIMEOUT_MS: '60000' },
    });
    host = spawnBotHost();
  });

  afterAll(async () => {
    await host?.close();
    await env?.close();
    veth?.remove();
  });

  it('every browser decodes every bot, every bot receives everyone', async () => {
    const browsers: SdkUser[] = await Promise.all(['scale-a', 'scale-b'].map((id) => openGroupUser(env, id)));
    const botIds = Array.from({ length: BOTS }, (_, i) => `scale-bot-${String(i).padStart(2, '0')}`);
    await host.add(
      await Promise.all(
        botIds.map(async (userId, i) => ({
          url: env.server.url,
          appKey: env.server.appKey,
          userId,
          token: await env.server.getToken(userId),
          video: { width: 320, height: 240, frameRate: BOT_FPS },
          autoAcceptAfterMs: 1_000 + i * JOIN_STAGGER_MS,
        })),
      ),
    );
    const everyone = [...browsers.map((b) => b.userId), ...botIds];
    const groupId = 'sfu-scale';
    const created = await env.server.signedPost('/group/create.json', { userId: everyone, groupId, groupName: groupId });
    expect(created.body.code).toBe(200);

    const [a, b] = browsers as [SdkUser, SdkUser];
    const { code, callId } = await a.page.evaluate((o) => window.__group.callInGroup(o), {
      groupId,
      userIds: everyone.filter((id) => id !== a.userId),
      mediaType: MediaType.AUDIO_VIDEO,
    });
    expect(code).toBe(10000);
    await b.waitFor({ name: 'onSession', callId: callId! });
    expect((await b.page.evaluate(() => window.__group.accept())).code).toBe(10000);

    // Browsers: ≥ FRAMES decoded frames from every bot (and from each other).
    await Promise.all(
      browsers.flatMap((user) =>
        everyone.filter((id) => id !== user.userId).map((peer) => user.waitForRemoteFrames(peer, FRAMES, MEDIA_TIMEOUT_MS)),
      ),
    );

    // Bots: every other participant's video track ready and decoded, audio tracks ready.
    const others = (s: BotStatus) => everyone.filter((id) => id !== s.userId);
    const statuses = await waitForBots(
      host,
      'tracks ready and decoded',
      (s) =>
        s.accepted &&
        others(s).every((id) => s.videoReadyFrom.includes(id) && s.audioReadyFrom.includes(id) && (s.framesFrom[id] ?? 0) >= FRAMES),
      MEDIA_TIMEOUT_MS,
    );
    for (const s of statuses) {
      expect(s.callId).toBe(callId);
      expect(new Set(s.videoReadyFrom).size).toBe(everyone.length - 1);
    }

    await a.page.evaluate(() => window.__group.hangup());
    await b.page.evaluate(() => window.__group.hangup());
    await host.hangupAll();
    await waitForBots(host, 'calls closed', (s) => s.endReason !== null, 20_000);
  });
});
