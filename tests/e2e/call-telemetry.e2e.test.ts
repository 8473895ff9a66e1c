/**
 * Call quality telemetry in real Chromium against the real server (issue 13 item 2): a 1:1 video call of
 * ≥ 10 s with a 5 s network blip in the middle, and a 3-party mesh call (`OPENCALL_SFU=off`). After
 * hang-up, `LoadCallDetail` (read from the server's own SQLite file) has, for every participant, series
 * of bitrate, loss, jitter, RTT, fps and MOS, setup timings, and a timeline in order; the samples taken
 * while the socket was down arrived afterwards (no gap); one `call.quality` webhook per call.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RCFrameRate, RCResolution } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import type { CallConstraintsJson } from './harness/agent-types.js';
import { complete, detailWhen, expectSeries, expectTimeline } from './harness/call-detail-checks.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';

const SMALL_VIDEO: CallConstraintsJson = { video: { resolution: RCResolution.W320_H240, frameRate: RCFrameRate.FPS_15 } };
/** Batches every 3 s here (default 10 s), so batches are sent while the network is down. */
const TELEMETRY = { callTelemetry: { batchIntervalMs: 3000 } };

function link(state: 'up' | 'down'): void {
  const result = spawnSync('ip', ['link', 'set', 'lo', state], { encoding: 'utf8', timeout: 5000 });
  if (result.status !== 0) throw new Error(`ip link set lo ${state} failed: ${result.stderr}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function closeUsers(...users: SdkUser[]): Promise<void> {
  await Promise.all(users.map((user) => user.page.context().close()));
}

describe('call quality telemetry', () => {
  let env: E2eEnv;
  let receiver: WebhookReceiver;
  let storage: Storage;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    env = await startE2eEnv({
      label: 'call-telemetry',
      budgetMs: 240_000,
      serverEnv: {
        OPENCALL_SFU: 'off',
        OPENCALL_WEBHOOK_URL: `${receiver.url}/hooks`,
        OPENCALL_WEBHOOK_SECRET: `whsec_${Buffer.from('telemetry-test-secret-0001').toString('base64')}`,
        OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
      },
    });
    storage = await openSqliteStorage(join(env.server.dataDir, 'opencall.sqlite'));
  });

  afterAll(async () => {
    link('up');
    await storage?.close();
    await env?.close();
    await receiver?.close();
  });

  it('1:1 video call of ≥ 10 s with a network blip: series, setup timings and timeline for both; nothing lost', async () => {
    const alice = await env.openSdkUser('tel-alice', TELEMETRY);
    const bob = await env.openSdkUser('tel-bob', TELEMETRY);
    const callId = await alice.call(bob.userId, MediaType.AUDIO_VIDEO, SMALL_VIDEO);
    await bob.waitFor({ name: 'onSession', callId });
    await alice.waitFor({ name: 'onRinging', sender: bob.userId, callId });
    await bob.accept(callId, SMALL_VIDEO);
    await alice.waitFor({ name: 'onAccept', sender: bob.userId, callId });
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 15), bob.waitForRemoteFrames(alice.userId, 15)]);
    await sleep(4000);
    const downAt = Date.now();
    link('down');
    try {
      // The IM sockets themselves break too (not only stall): batches in flight fail and are kept.
      const port = new URL(env.server.url).port;
      const killed = spawnSync('ss', ['-K', 'state', 'established', `( sport = :${port} or dport = :${port} )`], {
        encoding: 'utf8',
        timeout: 5000,
      });
      console.log(`[telemetry] ss -K on port ${port}: status ${killed.status} ${killed.stderr.trim()}`);
      await sleep(5000);
    } finally {
      link('up');
    }
    const upAt = Date.now();
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 3, 15_000), bob.waitForRemoteFrames(alice.userId, 3, 15_000)]);
    await sleep(3000);
    await alice.hangup(callId);
    await Promise.all([alice.waitFor({ name: 'onSessionClose', callId }), bob.waitFor({ name: 'onSessionClose', callId })]);

    const detail = await detailWhen(storage, env.server.appKey, callId, complete);
    expect(detail.call).toMatchObject({ live: false, mediaPath: 'p2p', relayed: false });
    expect(detail.call.durationMs).toBeGreaterThanOrEqual(10_000);
    expect(detail.participants.map((p) => p.userId).sort()).toEqual([alice.userId, bob.userId]);
    expectSeries(detail);
    for (const p of detail.participants) expect(p.setup.inviteToRingingMs, `${p.userId}: invite → ringing`).toBeGreaterThanOrEqual(0);
    expectTimeline(detail, ['invite', 'ringing', 'accept', 'join', 'leave', 'end']);
    expect(detail.events.at(-1)?.detail).toMatchObject({ reasons: { [alice.userId]: 3, [bob.userId]: 13 } });
    // The blip broke the IM sockets (the devices reconnected) and the P2P link (rebuilt): recoveries on the timeline.
    const recoveries = detail.events.filter((e) => e.kind === 'recovery').map((e) => `${e.userId}:${String(e.detail?.cause)}`);
    console.log(`[telemetry] recoveries: ${recoveries.join(', ')}`);
    expect(recoveries.length).toBeGreaterThan(0);

    // Samples taken while the network was down reached the server afterwards, and none taken before the
    // link came back is missing (batches that failed in the outage went with later ones). After the blip
    // the P2P link is rebuilt: its new connection has no outbound stats until media flows again.
    for (const p of detail.participants) {
      const times = detail.samples.filter((s) => s.userId === p.userId && s.kind === 'audio' && s.direction === 'send').map((s) => s.at);
      const during = times.filter((t) => t > downAt + 500 && t < upAt - 500);
      expect(during.length, `${p.userId}: samples from the outage`).toBeGreaterThanOrEqual(1);
      const untilUp = times.filter((t) => t < upAt);
      const gaps = untilUp.slice(1).map((t, i) => t - (untilUp[i] as number));
      expect(Math.max(...gaps), `${p.userId}: largest gap between samples before the network came back (ms)`).toBeLessThan(4500);
      const user = p.userId === alice.userId ? alice : bob;
      console.log(`[telemetry] ${p.userId}: ${user.consoleLines.filter((l) => /telemetry/i.test(l)).join(' | ')}`);
      console.log(
        `[telemetry] ${p.userId}: down 0 → up ${upAt - downAt} ms; audio-send samples at ${times.map((t) => t - downAt).join(',')}`,
      );
    }
    console.log(
      `[telemetry] 1:1 call: ${detail.samples.length} samples, MOS ${detail.call.qualityMos}, setup ${JSON.stringify(detail.participants.map((p) => p.setup))}`,
    );

    const quality = await receiver.until(
      () => receiver.hooks.some((h) => h.body.type === 'call.quality' && (h.body.data as { callId?: string }).callId === callId),
      20_000,
    );
    expect(quality, 'call.quality webhook').toBe(true);
    const hook = receiver.hooks.find((h) => h.body.type === 'call.quality' && (h.body.data as { callId?: string }).callId === callId);
    const data = hook?.body.data as { participants: { userId: string; mosMean: number | null; samples: number }[] };
    expect(data.participants.map((p) => p.userId).sort()).toEqual([alice.userId, bob.userId]);
    for (const p of data.participants) expect(p.mosMean).toBeGreaterThan(4);
    await closeUsers(alice, bob);
  });

  it('3-party mesh call: series, setup timings and timeline for every participant', async () => {
    const [a, b, c] = await Promise.all([env.openSdkUser('tel-a'), env.openSdkUser('tel-b'), env.openSdkUser('tel-c')]);
    const groupId = 'tel-group';
    const created = await env.server.signedPost('/group/create.json', {
      groupId,
      groupName: 'tel',
      userId: [a, b, c].map((u) => u.userId),
    });
    expect(created.body.code).toBe(200);
    const callId = await a.callInGroup(groupId, [b.userId, c.userId], MediaType.AUDIO_VIDEO, SMALL_VIDEO);
    for (const callee of [b, c]) await callee.waitFor({ name: 'onSession', callId });
    await b.accept(callId, SMALL_VIDEO);
    await c.accept(callId, SMALL_VIDEO);
    const everyone = [a, b, c];
    await Promise.all(everyone.flatMap((m) => everyone.filter((o) => o !== m).map((o) => m.waitForRemoteFrames(o.userId, 10, 40_000))));
    await sleep(6000);
    for (const member of [c, b, a]) await member.hangup(callId).catch(() => undefined);
    await Promise.all(everyone.map((m) => m.waitFor({ name: 'onSessionClose', callId })));

    const detail = await detailWhen(storage, env.server.appKey, callId, complete);
    expect(detail.call).toMatchObject({ live: false, mediaPath: 'mesh' });
    expect(detail.participants).toHaveLength(3);
    expectSeries(detail);
    expectTimeline(detail, ['invite', 'accept', 'join', 'leave', 'end']);
    // Each participant has received-video samples from both others (peerUserId = the remote user of the link).
    for (const p of detail.participants) {
      const peers = new Set(
        detail.samples.filter((s) => s.userId === p.userId && s.kind === 'video' && s.direction === 'recv').map((s) => s.peerUserId),
      );
      expect([...peers].sort(), `${p.userId}: peers`).toEqual(
        everyone
          .map((u) => u.userId)
          .filter((id) => id !== p.userId)
          .sort(),
      );
    }
    await closeUsers(...everyone);
  });
});
