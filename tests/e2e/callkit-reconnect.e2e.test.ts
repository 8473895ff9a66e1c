/**
 * CallKit's "Reconnecting…" banner against a real cut: during a 1:1 video call placed through the
 * CallKit UI in real Chromium, every established TCP socket to the server (the IM WebSockets) is
 * killed with `ss -K` inside this test's network namespace. The banner must appear and go away again
 * (each change is recorded in the page as it happens, so a short outage is not missed between
 * polls), and the call must go on: frames are decoded both ways after the banner went away.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallKitUser } from './harness/callkit-ui.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';

interface BannerChange {
  shown: boolean;
  at: number;
}

/** Records every show/hide of the banner (inside CallKit's shadow root) into `window.__bannerLog`. */
async function recordBanner(user: CallKitUser): Promise<void> {
  await user.page.evaluate(() => {
    const root = document.querySelector('opencall-callkit')?.shadowRoot;
    if (!root) throw new Error('no CallKit element');
    const w = window as unknown as { __bannerLog: { shown: boolean; at: number }[] };
    const shown = () => {
      const banner = root.querySelector<HTMLElement>('[data-testid="callkit-reconnecting"]');
      return banner !== null && !banner.hidden && banner.isConnected;
    };
    w.__bannerLog = [{ shown: shown(), at: Date.now() }];
    new MutationObserver(() => {
      const now = shown();
      if (w.__bannerLog.at(-1)?.shown !== now) w.__bannerLog.push({ shown: now, at: Date.now() });
    }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
  });
}

async function bannerLog(user: CallKitUser): Promise<BannerChange[]> {
  return user.page.evaluate(() => (window as unknown as { __bannerLog: BannerChange[] }).__bannerLog);
}

/** Waits (bounded) until the banner was shown and then hidden again since recording started. */
async function untilBannerCameAndWent(user: CallKitUser, timeoutMs: number): Promise<BannerChange[]> {
  try {
    await user.page.waitForFunction(
      () => {
        const log = (window as unknown as { __bannerLog: { shown: boolean }[] }).__bannerLog;
        const firstShown = log.findIndex((c) => c.shown);
        return firstShown >= 0 && log.slice(firstShown).some((c) => !c.shown) && log.at(-1)?.shown === false;
      },
      undefined,
      { timeout: timeoutMs, polling: 100 },
    );
  } catch (error) {
    throw new Error(`${user.userId}: banner did not come and go: ${JSON.stringify(await bannerLog(user))}`, { cause: error });
  }
  return bannerLog(user);
}

describe('CallKit reconnecting banner', () => {
  let env: E2eEnv;
  let alice: CallKitUser;
  let bob: CallKitUser;

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'callkit-reconnect', budgetMs: 90_000, serverEnv: { OPENCALL_DEV_TOKENS: '1' } });
    const open = async (userId: string) => new CallKitUser(userId, await env.openPage(`${userId}-ui`));
    [alice, bob] = await Promise.all([open('ckr-alice'), open('ckr-bob')]);
    await alice.signIn('Alice');
    await bob.signIn('Bob');
  });

  afterAll(async () => {
    await env?.close();
  });

  it('shows the banner while the IM socket is cut and hides it once back; the call goes on', async () => {
    await alice.page.getByTestId('demo-target').fill(bob.userId);
    await alice.click('demo-call-video');
    await bob.visible('callkit-incoming');
    await bob.click('callkit-accept');
    await Promise.all([alice.visible('callkit-call'), bob.visible('callkit-call')]);
    await Promise.all([alice.waitForFrames(bob.userId), bob.waitForFrames(alice.userId)]);
    await Promise.all([recordBanner(alice), recordBanner(bob)]);
    for (const user of [alice, bob]) expect((await bannerLog(user)).map((c) => c.shown)).toEqual([false]);

    const port = new URL(env.server.url).port;
    const killed = spawnSync('ss', ['-K', 'state', 'established', `( sport = :${port} or dport = :${port} )`], {
      encoding: 'utf8',
      timeout: 5000,
    });
    expect(killed.status, `ss -K: ${killed.stderr}`).toBe(0);

    const [aliceLog, bobLog] = await Promise.all([untilBannerCameAndWent(alice, 20_000), untilBannerCameAndWent(bob, 20_000)]);
    const outage = (log: BannerChange[]) => {
      const shown = log.find((c) => c.shown);
      const back = [...log].reverse().find((c) => !c.shown);
      return (back?.at ?? 0) - (shown?.at ?? 0);
    };
    console.log(`[callkit-reconnect] banner shown for ${outage(aliceLog)} ms (alice), ${outage(bobLog)} ms (bob)`);
    // Still in the call, and media still flows both ways after the banner went away.
    await Promise.all([alice.visible('callkit-call'), bob.visible('callkit-call')]);
    await Promise.all([alice.waitForFrames(bob.userId, 20, 15_000), bob.waitForFrames(alice.userId, 20, 15_000)]);
    await alice.click('callkit-hangup');
    expect((await bob.endReason()).value).toBe(13); // REMOTE_HANGUP: the call ended normally, not by a failure
  });
});
