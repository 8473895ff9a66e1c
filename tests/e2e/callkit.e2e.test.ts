/**
 * CallKit through its UI only: three people sign in on the demo page (`/`) in real Chromium, against
 * the real server, and call each other by clicking CallKit's `data-testid`s. Checked: decline and
 * cancel, a 1:1 video call with decoded frames both ways, mute and camera-off seen by the other side,
 * camera switch and device picker, quality badges, downgrade to audio, answering with audio only from
 * the keyboard, a group call of 3 with an invite, and every end screen's reason. Each state is screenshotted to docs/screenshots/callkit-*.png
 * and checked with axe-core (no serious or critical violation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallKitUser } from './harness/callkit-ui.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';

/** RCCallEndReason values (reference D.2). */
const Reason = { CANCEL: 1, REJECT: 2, HANGUP: 3, REMOTE_CANCEL: 11, REMOTE_REJECT: 12, REMOTE_HANGUP: 13 } as const;

describe('CallKit demo, through the UI', () => {
  let env: E2eEnv;
  let alice: CallKitUser;
  let bob: CallKitUser;
  let carol: CallKitUser;

  /** Screenshot of `user`'s page as `state`, then axe-core: no serious or critical finding. */
  async function capture(user: CallKitUser, state: string): Promise<void> {
    await user.screenshot(state);
    expect(await user.seriousA11yViolations(), `axe-core on ${state}`).toEqual([]);
  }

  /** Closes the end screen on each page (the overlay goes, the demo is back). */
  async function closeEndScreens(...users: CallKitUser[]): Promise<void> {
    for (const user of users) {
      await user.click('callkit-end-close');
      await user.hidden('callkit-ended');
    }
  }

  async function dialBob(video: boolean): Promise<void> {
    await alice.page.getByTestId('demo-target').fill(bob.userId);
    await alice.click(video ? 'demo-call-video' : 'demo-call-audio');
    await alice.visible('callkit-outgoing');
    await bob.visible('callkit-incoming');
  }

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'callkit', budgetMs: 180_000, serverEnv: { OPENCALL_DEV_TOKENS: '1' } });
    const open = async (userId: string) => new CallKitUser(userId, await env.openPage(`${userId}-ui`));
    [alice, bob, carol] = await Promise.all([open('ck-alice'), open('ck-bob'), open('ck-carol')]);
    await bob.page.setViewportSize({ width: 390, height: 780 }); // a phone
    await capture(alice, 'sign-in');
    await alice.signIn('Alice');
    await bob.signIn('Bob');
    await carol.signIn('卡罗尔', 'zh-CN');
    // Online list: Alice sees the other two.
    await alice.visible(`demo-call-video-${bob.userId}`);
    await alice.visible(`demo-call-video-${carol.userId}`);
    await capture(alice, 'demo-online');
  });

  afterAll(async () => {
    await env?.close();
  });

  it('decline: REMOTE_REJECT for the caller, REJECT for the callee', async () => {
    await dialBob(true);
    await expect.poll(() => bob.text('callkit-caller')).toBe('Alice');
    await expect.poll(() => bob.text('callkit-live')).toBe('Alice is video calling you');
    await capture(bob, 'incoming-phone');
    await capture(alice, 'outgoing');
    await bob.click('callkit-decline');
    expect(await alice.endReason()).toEqual({ value: Reason.REMOTE_REJECT, text: 'The call was declined' });
    expect(await bob.endReason()).toEqual({ value: Reason.REJECT, text: 'You declined the call' });
    await capture(alice, 'ended-remote-reject');
    await closeEndScreens(alice, bob);
  });

  it('cancel: CANCEL for the caller, REMOTE_CANCEL for the callee', async () => {
    await dialBob(false);
    await alice.click('callkit-cancel');
    expect((await alice.endReason()).value).toBe(Reason.CANCEL);
    expect(await bob.endReason()).toEqual({ value: Reason.REMOTE_CANCEL, text: 'The caller cancelled' });
    await closeEndScreens(alice, bob);
  });

  it('1:1 video: frames both ways, mute and camera seen by the other side, camera switch, devices, badges, downgrade, hang-up', async () => {
    await dialBob(true);
    await bob.click('callkit-accept');
    await Promise.all([alice.visible('callkit-call'), bob.visible('callkit-call')]);
    await Promise.all([alice.waitForFrames(bob.userId), bob.waitForFrames(alice.userId)]);
    await expect.poll(() => alice.text('callkit-timer'), { timeout: 5000 }).toMatch(/^\d+:\d\d$/);

    // Quality badges come from onRTCStateReport (every second here).
    await alice.waitForTile(bob.userId, 'quality', 'good', 10_000);
    await capture(alice, 'in-call-1to1');
    await capture(bob, 'in-call-1to1-phone');

    await alice.click('callkit-mic');
    await bob.waitForTile(alice.userId, 'audioMuted', 'true');
    await expect.poll(() => alice.page.getByTestId('callkit-mic').getAttribute('aria-pressed')).toBe('true');
    await alice.click('callkit-camera');
    await bob.waitForTile(alice.userId, 'videoMuted', 'true');
    await capture(bob, 'remote-muted');
    await alice.click('callkit-mic');
    await bob.waitForTile(alice.userId, 'audioMuted', 'false');
    await alice.click('callkit-camera');
    await bob.waitForTile(alice.userId, 'videoMuted', 'false');
    await bob.waitForFrames(alice.userId, 15);

    // Another camera (the same fake device here): Bob keeps decoding Alice's video.
    await alice.click('callkit-switch-camera');
    await bob.waitForFrames(alice.userId, 15);
    await alice.click('callkit-devices');
    await alice.visible('callkit-devices-panel');
    const microphones = alice.page.getByTestId('callkit-device-microphone').locator('option');
    await expect.poll(() => microphones.count(), { timeout: 5000 }).toBeGreaterThan(1);
    await alice.page.getByTestId('callkit-device-microphone').selectOption({ index: 1 });
    await alice.page.getByTestId('callkit-device-camera').selectOption({ index: 1 });
    await capture(alice, 'devices');
    await alice.click('callkit-panel-close');
    await alice.hidden('callkit-devices-panel');
    await bob.waitForFrames(alice.userId, 15);

    await bob.click('callkit-downgrade');
    await Promise.all([alice.hidden('callkit-camera'), bob.hidden('callkit-camera')]);
    await expect.poll(() => alice.text('callkit-title')).toBe('Audio call');
    await capture(alice, 'in-call-audio');

    await alice.click('callkit-hangup');
    expect(await alice.endReason()).toEqual({ value: Reason.HANGUP, text: 'You hung up' });
    expect(await bob.endReason()).toEqual({ value: Reason.REMOTE_HANGUP, text: 'The other side hung up' });
    await capture(bob, 'ended-remote-hangup');
    await closeEndScreens(alice, bob);
  });

  it('keyboard: focus lands on Accept; Shift+Tab, Enter answers with audio only, and the call is audio for both', async () => {
    await dialBob(true);
    const focused = () =>
      bob.page.evaluate(() => document.querySelector('opencall-callkit')?.shadowRoot?.activeElement?.getAttribute('data-testid') ?? null);
    await expect.poll(focused).toBe('callkit-accept');
    await bob.page.keyboard.press('Shift+Tab');
    await expect.poll(focused).toBe('callkit-accept-audio');
    await bob.page.keyboard.press('Enter');
    await Promise.all([alice.visible('callkit-call'), bob.visible('callkit-call')]);
    await Promise.all([alice.hidden('callkit-camera'), bob.hidden('callkit-camera')]);
    await expect.poll(() => bob.text('callkit-title')).toBe('Audio call');
    await expect.poll(focused).toBe('callkit-mic');
    await bob.click('callkit-hangup');
    expect((await alice.endReason()).value).toBe(Reason.REMOTE_HANGUP);
    expect((await bob.endReason()).value).toBe(Reason.HANGUP);
    await closeEndScreens(alice, bob);
    // The overlay gives the focus back to the page.
    await expect.poll(() => bob.page.evaluate(() => document.activeElement?.tagName ?? null)).not.toBe('OPENCALL-CALLKIT');
  });

  it('group of 3: Alice creates a group with Bob, calls, invites Carol; all three see each other', async () => {
    await alice.page.getByTestId('demo-group-id').fill('ck-group');
    await alice.page.getByTestId('demo-group-members').fill(bob.userId);
    await alice.click('demo-group-call');
    await bob.visible('callkit-incoming');
    await bob.click('callkit-accept');
    await alice.waitForFrames(bob.userId);

    await alice.click('callkit-invite');
    await alice.page.getByTestId('callkit-invite-input').fill(carol.userId);
    await capture(alice, 'invite');
    await alice.click('callkit-invite-send');
    await carol.visible('callkit-incoming');
    await expect.poll(() => carol.text('callkit-live')).toContain('Alice');
    await capture(carol, 'incoming-group-zh');
    await carol.click('callkit-accept');
    await Promise.all([
      alice.waitForFrames(carol.userId),
      carol.waitForFrames(alice.userId),
      carol.waitForFrames(bob.userId),
      bob.waitForFrames(carol.userId),
    ]);
    await expect.poll(() => alice.page.getByTestId('callkit-tile').count()).toBe(3);
    await capture(alice, 'in-call-group');

    await carol.click('callkit-hangup');
    expect(await carol.endReason()).toEqual({ value: Reason.HANGUP, text: '已挂断' });
    await alice.page.waitForFunction(
      () => document.querySelector('opencall-callkit')?.shadowRoot?.querySelectorAll('[data-testid="callkit-tile"]').length === 2,
    );
    await capture(carol, 'ended-zh');
    await alice.click('callkit-hangup');
    expect((await alice.endReason()).value).toBe(Reason.HANGUP);
    expect((await bob.endReason()).value).toBe(Reason.REMOTE_HANGUP);
  });
});
