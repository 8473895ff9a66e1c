/**
 * CallLib 1:1 calls in real Chromium, against the real server: every user is its own browser context
 * that loads /sdk/RongIMLib.js, /sdk/RCRTC.js and /sdk/RCCall.js from the server and drives them the
 * way a CallLib Web app does. Media flows P2P over loopback (run-e2e.mjs isolates the network).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLogEntry } from './harness/agent-types.js';
import { DemoPage } from './harness/demo-ui.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';
import { measureCall, printTimings } from './harness/timings.js';

/** RCCallEndReason values (reference D.2). */
const Reason = {
  CANCEL: 1,
  REJECT: 2,
  HANGUP: 3,
  BUSY_LINE: 4,
  NO_RESPONSE: 5,
  REMOTE_CANCEL: 11,
  REMOTE_REJECT: 12,
  REMOTE_HANGUP: 13,
  REMOTE_BUSY_LINE: 14,
  REMOTE_NO_RESPONSE: 15,
} as const;

/** RCCallSessionState.KEEPING (reference D.4). */
const KEEPING = 1;

async function closeUsers(...users: SdkUser[]): Promise<void> {
  await Promise.all(users.map((user) => user.page.context().close()));
}

/** Index in `log` of the first onTrackReady matching local/remote and kind. */
function trackReadyIndex(log: AgentLogEntry[], local: boolean, kind: 'audio' | 'video'): number {
  return log.findIndex((e) => e.name === 'onTrackReady' && e.local === local && e.kind === kind);
}

/** Dials `callee`, waits for the callee's onSession and the caller's onRinging, and returns the call id. */
async function dial(caller: SdkUser, callee: SdkUser, mediaType: number = MediaType.AUDIO_VIDEO): Promise<string> {
  const callId = await caller.call(callee.userId, mediaType);
  const session = await callee.waitFor({ name: 'onSession', callId });
  expect(session.caller).toBe(caller.userId);
  await caller.waitFor({ name: 'onRinging', sender: callee.userId, callId });
  return callId;
}

/** Accepts on the callee and waits until both sides decode ≥ 30 frames of each other's video. */
async function answerAndWaitForMedia(caller: SdkUser, callee: SdkUser, callId: string): Promise<void> {
  await callee.accept(callId);
  await caller.waitFor({ name: 'onAccept', sender: callee.userId, callId });
  await Promise.all([caller.waitForRemoteFrames(callee.userId, 30), callee.waitForRemoteFrames(caller.userId, 30)]);
}

describe('1:1 calls through the SDK', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    // (f) signs in through the demo page, which gets its tokens from the dev token helper.
    env = await startE2eEnv({ label: 'call-1to1', budgetMs: 300_000, serverEnv: { OPENCALL_DEV_TOKENS: '1' } });
  });

  afterAll(async () => {
    printTimings('1:1 calls');
    await env?.close();
  });

  it('(a) video call: ring, accept, media both ways, hang up with HANGUP / REMOTE_HANGUP', async () => {
    const alice = await env.openSdkUser('alice-a');
    const bob = await env.openSdkUser('bob-a');

    const callId = await dial(alice, bob);
    await answerAndWaitForMedia(alice, bob, callId);
    await measureCall('(a) video call A→B', callId, alice, bob);

    for (const user of [alice, bob]) {
      const log = await user.log();
      for (const kind of ['audio', 'video'] as const) {
        const local = trackReadyIndex(log, true, kind);
        const remote = trackReadyIndex(log, false, kind);
        expect(local, `${user.userId}: local ${kind} onTrackReady`).toBeGreaterThanOrEqual(0);
        expect(remote, `${user.userId}: remote ${kind} onTrackReady after the local one`).toBeGreaterThan(local);
      }
      expect(await user.events({ name: 'playFailed' }), `${user.userId}: track.play() failures`).toEqual([]);
      // No fault, no recovery: the media watch must not mistake a healthy call for a broken one.
      expect(
        user.consoleLines.filter((line) => /P2P .*: trouble/.test(line)),
        `${user.userId}: recovery actions in a clean call`,
      ).toEqual([]);
    }

    await alice.hangup(callId);
    const hungup = await bob.waitFor({ name: 'onHungup', callId });
    expect(hungup).toMatchObject({ sender: alice.userId, reason: Reason.REMOTE_HANGUP });

    const aliceClose = await alice.waitFor({ name: 'onSessionClose', callId });
    const bobClose = await bob.waitFor({ name: 'onSessionClose', callId });
    expect(aliceClose.endReason).toBe(Reason.HANGUP);
    expect(bobClose.endReason).toBe(Reason.REMOTE_HANGUP);
    expect(aliceClose.duration).toBeGreaterThan(0);
    expect(bobClose.duration).toBeGreaterThan(0);
    await closeUsers(alice, bob);
  });

  it('(b) reject while ringing: REMOTE_REJECT to the caller, REJECT for the callee', async () => {
    const alice = await env.openSdkUser('alice-b');
    const bob = await env.openSdkUser('bob-b');

    const callId = await dial(alice, bob);
    await bob.hangup(callId);

    const hungup = await alice.waitFor({ name: 'onHungup', callId });
    expect(hungup).toMatchObject({ sender: bob.userId, reason: Reason.REMOTE_REJECT });
    expect((await alice.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(Reason.REMOTE_REJECT);
    expect((await bob.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(Reason.REJECT);
    await closeUsers(alice, bob);
  });

  it('(c) cancel before answer: REMOTE_CANCEL to the callee, CANCEL for the caller', async () => {
    const alice = await env.openSdkUser('alice-c');
    const bob = await env.openSdkUser('bob-c');

    const callId = await dial(alice, bob);
    await alice.hangup(callId);

    const hungup = await bob.waitFor({ name: 'onHungup', callId });
    expect(hungup).toMatchObject({ sender: alice.userId, reason: Reason.REMOTE_CANCEL });
    expect((await alice.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(Reason.CANCEL);
    expect((await bob.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(Reason.REMOTE_CANCEL);
    await closeUsers(alice, bob);
  });

  it('(d) busy: calling someone already in a call ends with REMOTE_BUSY_LINE; their call goes on', async () => {
    const alice = await env.openSdkUser('alice-d');
    const bob = await env.openSdkUser('bob-d');
    const carol = await env.openSdkUser('carol-d');

    const firstCall = await dial(carol, bob);
    await answerAndWaitForMedia(carol, bob, firstCall);
    await measureCall('(d) video call C→B', firstCall, carol, bob);

    const busyCall = await alice.call(bob.userId, MediaType.AUDIO_VIDEO);
    const hungup = await alice.waitFor({ name: 'onHungup', callId: busyCall });
    expect(hungup).toMatchObject({ sender: bob.userId, reason: Reason.REMOTE_BUSY_LINE });
    expect((await alice.waitFor({ name: 'onSessionClose', callId: busyCall })).endReason).toBe(Reason.REMOTE_BUSY_LINE);

    // Bob's client saw the invite as a session that ended at once as BUSY_LINE ...
    const busySession = await bob.waitFor({ name: 'onSession', callId: busyCall });
    const busyClose = await bob.waitFor({ name: 'onSessionClose', callId: busyCall });
    expect(busySession.caller).toBe(alice.userId);
    expect(busyClose.endReason).toBe(Reason.BUSY_LINE);

    // ... while the call with Carol is untouched and its media still flows.
    expect(await bob.page.evaluate((id) => window.__e2e.state(id), firstCall)).toBe(KEEPING);
    await Promise.all([carol.waitForRemoteFrames(bob.userId, 10), bob.waitForRemoteFrames(carol.userId, 10)]);
    expect(await bob.events({ name: 'onSessionClose', callId: firstCall })).toEqual([]);
    expect(await carol.events({ name: 'onHungup' })).toEqual([]);

    await carol.hangup(firstCall);
    expect((await bob.waitFor({ name: 'onSessionClose', callId: firstCall })).endReason).toBe(Reason.REMOTE_HANGUP);
    await closeUsers(alice, bob, carol);
  });

  it('(f) demo UI: connect two users, call, accept, both videos play, hang up', async () => {
    // The plain CallLib page (the migration reference); `/` is the CallKit demo (callkit.e2e.test.ts).
    const alicePage = await env.openPage('alice-ui', '/plain/');
    const bobPage = await env.openPage('bob-ui', '/plain/');
    const alice = new DemoPage(alicePage.page, alicePage.consoleLines);
    const bob = new DemoPage(bobPage.page, bobPage.consoleLines);

    await alice.connect('alice-f');
    await bob.connect('bob-f');
    await alice.call('bob-f', 'video');
    await bob.accept();
    await alice.expectText('status', 'KEEPING');
    await bob.expectText('status', 'KEEPING');
    await Promise.all([alice.waitForRemoteFrames(30), bob.waitForRemoteFrames(30)]);

    await alice.hangup();
    await alice.expectText('summary', 'HANGUP (3)');
    await bob.expectText('summary', 'REMOTE_HANGUP (13)');
    await alice.expectText('status', 'idle');
    await bob.expectText('status', 'idle');
    expect(await bob.text('log')).toContain('onHungup: alice-f left, reason REMOTE_HANGUP (13)');
    await Promise.all([alicePage.context.close(), bobPage.context.close()]);
  });
});

describe('1:1 call nobody answers (server ring timeout 3 s)', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'call-1to1 no-answer', budgetMs: 120_000, serverEnv: { OPENCALL_RING_TIMEOUT_MS: '3000' } });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('(e) no answer: REMOTE_NO_RESPONSE for the caller, NO_RESPONSE for the callee', async () => {
    const alice = await env.openSdkUser('alice-e');
    const bob = await env.openSdkUser('bob-e');

    const callId = await dial(alice, bob);
    const hungup = await alice.waitFor({ name: 'onHungup', callId }, 15_000);
    expect(hungup).toMatchObject({ sender: bob.userId, reason: Reason.REMOTE_NO_RESPONSE });
    expect((await alice.waitFor({ name: 'onSessionClose', callId })).endReason).toBe(Reason.REMOTE_NO_RESPONSE);
    expect((await bob.waitFor({ name: 'onSessionClose', callId }, 15_000)).endReason).toBe(Reason.NO_RESPONSE);
    await closeUsers(alice, bob);
  });
});
