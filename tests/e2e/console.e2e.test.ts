/**
 * The operator console in real Chromium against the real server: log in through the form; a real 1:1
 * video call of ≥ 10 s and a real 3-party (mesh) call; the live page kicks one participant and ends
 * the call; both calls appear in the records with every side's end reason as the SDKs reported it;
 * each call's page has non-empty quality series for every participant (API and rendered uPlot
 * charts). Every console page is screenshotted into docs/screenshots/console-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsolePage } from './harness/console-page.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { printTiming } from './harness/failover-steps.js';
import { openGroupUser } from './harness/group-agent.js';
import { everyoneDecodesEveryone, startGroupCall } from './harness/group-call.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';

const PASSWORD = 'e2e-console-password';
const Reason = { HANGUP: 3, REMOTE_HANGUP: 13, KICKED_BY_SERVER: 23 } as const;
const ONE_TO_ONE_MS = 10_500;

interface DetailParticipant {
  userId: string;
  endReason: number;
}
interface DetailSample {
  userId: string;
  bitrateKbps?: number;
}

async function endReasonOf(user: SdkUser, callId: string): Promise<number> {
  const close = await user.waitFor({ name: 'onSessionClose', callId }, 20_000);
  return Number(close.endReason);
}

describe('operator console', () => {
  let env: E2eEnv;
  let consolePage: ConsolePage;
  const calls: { oneToOne?: string; group?: string } = {};
  const sdkReasons = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    env = await startE2eEnv({
      label: 'console',
      budgetMs: 420_000,
      serverEnv: { OPENCALL_ADMIN_PASSWORD: PASSWORD, OPENCALL_SFU: 'off', OPENCALL_RING_TIMEOUT_MS: '30000' },
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('logs in through the password form', async () => {
    consolePage = await ConsolePage.login(env, PASSWORD);
    expect(await consolePage.page.locator('#nav a').count()).toBe(8);
    expect(await consolePage.page.locator('#app-select option').count()).toBeGreaterThanOrEqual(1);
  });

  it('a 1:1 video call of ≥ 10 s shows on the live page while it runs', async () => {
    const alice = await env.openSdkUser('console-alice');
    const bob = await env.openSdkUser('console-bob');
    const callId = await alice.call(bob.userId, MediaType.AUDIO_VIDEO);
    await bob.waitFor({ name: 'onSession', callId });
    await bob.accept(callId);
    const acceptedAt = Date.now();
    await alice.waitFor({ name: 'onAccept', sender: bob.userId, callId });
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 30), bob.waitForRemoteFrames(alice.userId, 30)]);
    calls.oneToOne = callId;

    await consolePage.open('/console/live');
    const row = consolePage.page.locator(`tr[data-call="${callId}"]`);
    await expect(row.textContent()).resolves.toContain('P2P');
    await consolePage.screenshot('live');
    const overview = await consolePage.api(`/overview?appKey=${env.server.appKey}&from=${Date.now() - 3600_000}&to=${Date.now()}`);
    expect(overview.body.live.calls).toBe(1);
    expect(overview.body.live.users).toBeGreaterThanOrEqual(2);
    const liveDetail = await consolePage.api(`/calls/${callId}`);
    expect(liveDetail.body.call).toMatchObject({ callId, live: true, mediaPath: 'p2p' });
    await consolePage.open('/console/users?userId=console-alice');
    await expect(consolePage.page.locator('[data-testid="user-online"]').textContent()).resolves.toBe('online');
    await consolePage.screenshot('users');

    const left = ONE_TO_ONE_MS - (Date.now() - acceptedAt);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    await alice.hangup(callId);
    sdkReasons.set(
      callId,
      new Map([
        [alice.userId, await endReasonOf(alice, callId)],
        [bob.userId, await endReasonOf(bob, callId)],
      ]),
    );
    expect(sdkReasons.get(callId)?.get(alice.userId)).toBe(Reason.HANGUP);
    expect(sdkReasons.get(callId)?.get(bob.userId)).toBe(Reason.REMOTE_HANGUP);
    await Promise.all([alice, bob].map((u) => u.page.context().close()));
  }, 90_000);

  it('a 3-party call: the live page kicks one participant, then ends the call', async () => {
    const users = await Promise.all(['console-g1', 'console-g2', 'console-g3'].map((id) => openGroupUser(env, id)));
    const callId = await startGroupCall(env, 'console-group', users);
    await everyoneDecodesEveryone(users, 15);
    calls.group = callId;
    // Long enough for a telemetry batch from everyone (and then the hang-up batch).
    await new Promise((resolve) => setTimeout(resolve, 8_000));

    await consolePage.open('/console/live');
    const row = consolePage.page.locator(`tr[data-call="${callId}"]`);
    await expect(row.textContent()).resolves.toContain('MESH');
    await consolePage.open('/console/groups?groupId=console-group');
    await expect(consolePage.page.locator('tbody tr').count()).resolves.toBe(3);
    await consolePage.screenshot('groups');

    await consolePage.open('/console/live');
    const [first, second, third] = users as [SdkUser, SdkUser, SdkUser];
    await row.locator('div', { hasText: third.userId }).getByRole('button', { name: 'Kick' }).click();
    const reasons = new Map<string, number>([[third.userId, await endReasonOf(third, callId)]]);
    expect(reasons.get(third.userId)).toBe(Reason.KICKED_BY_SERVER);
    await consolePage.waitReady();
    await consolePage.page.locator(`tr[data-call="${callId}"]`).getByRole('button', { name: 'End call' }).click();
    reasons.set(first.userId, await endReasonOf(first, callId));
    reasons.set(second.userId, await endReasonOf(second, callId));
    sdkReasons.set(callId, reasons);
    await Promise.all(users.map((u) => u.page.context().close()));
  }, 120_000);

  it('both calls are in the records with every side’s end reason', async () => {
    for (const [callId, reasons] of sdkReasons) {
      // The record is written as the call ends; give the last leave a moment.
      let row = consolePage.page.locator(`tr[data-call="${callId}"]`);
      for (let attempt = 0; attempt < 10 && (await row.count()) === 0; attempt++) {
        await consolePage.open('/console/calls');
        row = consolePage.page.locator(`tr[data-call="${callId}"]`);
        if ((await row.count()) === 0) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const text = (await row.textContent()) ?? '';
      for (const [userId, reason] of reasons) expect(text).toMatch(new RegExp(`${userId}[^:]*: [A-Z_]+ \\(${reason}\\)`));
      const detail = await consolePage.api(`/calls/${callId}`);
      const recorded = new Map((detail.body.participants as DetailParticipant[]).map((p) => [p.userId, p.endReason]));
      for (const [userId, reason] of reasons) expect(recorded.get(userId), `${callId} ${userId}`).toBe(reason);
    }
    const oneToOne = await consolePage.api(`/calls/${calls.oneToOne}`);
    expect(oneToOne.body.call.durationMs).toBeGreaterThanOrEqual(10_000);
    await consolePage.screenshot('records');
  });

  it('each call page has non-empty quality series for every participant, as JSON and as uPlot charts', async () => {
    for (const callId of [calls.oneToOne, calls.group]) {
      const { body } = await consolePage.api(`/calls/${callId}`);
      const samples = body.samples as DetailSample[];
      for (const participant of body.participants as DetailParticipant[]) {
        const own = samples.filter((s) => s.userId === participant.userId);
        expect(own.length, `${callId}: samples of ${participant.userId}`).toBeGreaterThan(0);
        expect(
          own.some((s) => (s.bitrateKbps ?? 0) > 0),
          `${callId}: bitrate of ${participant.userId}`,
        ).toBe(true);
      }
      const openedAt = Date.now();
      await consolePage.open(`/console/calls/${callId}`);
      printTiming(`console call page (${callId === calls.oneToOne ? '1:1' : '3-party'})`, {
        renderMs: Date.now() - openedAt,
        jsonBytes: JSON.stringify(body).length,
        samples: samples.length,
        charts: await consolePage.page.locator('.uplot').count(),
      });
      for (const participant of body.participants as DetailParticipant[]) {
        const charts = consolePage.page.locator(`[data-participant="${participant.userId}"] .uplot`);
        expect(await charts.count(), `${callId}: charts of ${participant.userId}`).toBeGreaterThan(0);
        const points = await consolePage.page.getAttribute(`[data-testid="chart-${participant.userId}-bitrateKbps"]`, 'data-points');
        expect(Number(points)).toBeGreaterThan(0);
      }
      const csv = await consolePage.page.evaluate(
        async (href) => (await fetch(href)).text(),
        (await consolePage.page.getAttribute('[data-testid="csv-export"]', 'href')) ?? '',
      );
      expect(csv.split('\r\n').length).toBeGreaterThan(2);
      if (callId === calls.oneToOne) await consolePage.screenshot('call');
    }
  });

  it('creates an app from the apps page: its secrets are shown once, its keys join the app selector', async () => {
    await consolePage.open('/console/apps');
    await consolePage.page.locator('input[name="name"]').fill('console-e2e-app');
    await consolePage.page.getByRole('button', { name: 'Create app' }).click();
    const notice = consolePage.page.locator('[data-testid="secret-once"]');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/development: \w+ \/ \S+/);
    await consolePage.open('/console/apps');
    expect(await consolePage.page.locator('[data-testid="secret-once"]').count()).toBe(0);
    expect(await consolePage.page.locator('#app-select option').count()).toBe(3);
    expect(await consolePage.page.locator('tr[data-app]').count()).toBe(3);
  });

  it('the other pages render (screenshots)', async () => {
    for (const [name, path] of [
      ['overview', '/console'],
      ['apps', '/console/apps'],
      ['usage', '/console/usage'],
      ['deliveries', '/console/deliveries'],
    ] as const) {
      await consolePage.open(path);
      await consolePage.screenshot(name);
    }
    await consolePage.open('/console');
    expect(Number(await consolePage.page.locator('[data-testid="live-calls"] .value').textContent())).toBe(0);
    expect(await consolePage.page.locator('[data-testid="chart-calls-per-minute"] .uplot').count()).toBe(1);
  });
});
