/**
 * The media path of a 1:1 call changes under it, like a phone moving from Wi-Fi to mobile data.
 * Chromium runs without loopback ICE, so media can only use the veth addresses this test creates;
 * signaling stays on loopback. The address the call's media uses is removed and a new one on another
 * interface appears (or was up already: a handover): the old candidate pairs die, and the call must
 * find the new path — an ICE restart through the server, then a new RTCPeerConnection if that does not
 * bring media back soon — without a hang-up, video flowing both ways. With no path at all for longer,
 * the bounded new connections keep trying and one succeeds once a path is back. The time to 3 new
 * frames both ways is printed as `[e2e-timing]` (the goal: 3 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { addMediaLinks, type MediaPath, moveMedia, NEW_PATH, OLD_PATH, removeMediaLinks, useAddresses } from './harness/media-paths.js';
import { expectWithinClaim, type README_RECOVERY_MS } from './harness/readme-claims.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';

/** Longer than ≈1 s to notice + the ICE restart + the first new connection's window (default recovery policy). */
const OUTAGE_MS = 12_000;
/** An upload cap the app sets (RCLocalTrack.setBitrate) that must survive a new connection. */
const CAP_KBPS = 300;

async function mediaAddresses(user: SdkUser): Promise<string[]> {
  const paths = await user.peerPaths();
  return paths.open.map((p) => `${p.local}→${p.remote}`);
}

describe('ICE path change', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    addMediaLinks();
    env = await startE2eEnv({ label: 'ice-path-change', budgetMs: 180_000, loopbackIce: false });
  });

  afterAll(async () => {
    await env?.close();
    removeMediaLinks();
  });

  /** A connected 1:1 video call between two new users, media on `path` (the only address up). */
  async function connectedCall(prefix: string, path: MediaPath): Promise<{ alice: SdkUser; bob: SdkUser; callId: string }> {
    useAddresses(path);
    const alice = await env.openSdkUser(`${prefix}-a`);
    const bob = await env.openSdkUser(`${prefix}-b`);
    const callId = await alice.call(bob.userId, MediaType.AUDIO_VIDEO);
    await bob.waitFor({ name: 'onSession', callId });
    await bob.accept(callId);
    await alice.waitFor({ name: 'onAccept', sender: bob.userId, callId });
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 30), bob.waitForRemoteFrames(alice.userId, 30)]);
    expect(await mediaAddresses(alice)).toEqual([`${path.address}→${path.address}`]);
    return { alice, bob, callId };
  }

  /** Media back both ways on `path`, no hang-up on either side; prints the time since `since`, bounded by the README's `claim`. */
  async function expectRecovered(
    users: SdkUser[],
    path: MediaPath,
    since: number,
    label: string,
    claim: keyof typeof README_RECOVERY_MS,
  ): Promise<void> {
    const [alice, bob] = users as [SdkUser, SdkUser];
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 3, 30_000), bob.waitForRemoteFrames(alice.userId, 3, 30_000)]);
    const recoveredMs = Date.now() - since;
    console.log(`[e2e-timing] ${JSON.stringify({ label, ms: recoveredMs })}`);
    expectWithinClaim(claim, recoveredMs);
    await new Promise((r) => setTimeout(r, 1500));
    for (const user of users) {
      console.log(`[ice-path-change] ${user.userId}: ${user.consoleLines.filter((l) => l.includes('P2P')).join(' | ')}`);
      expect(await mediaAddresses(user)).toEqual([`${path.address}→${path.address}`]);
      const ends = (await user.log()).filter((e) => e.name === 'onHungup' || e.name === 'onSessionClose');
      expect(ends).toEqual([]);
    }
  }

  async function hangUp({ alice, bob, callId }: { alice: SdkUser; bob: SdkUser; callId: string }): Promise<void> {
    await alice.hangup(callId);
    await bob.waitFor({ name: 'onSessionClose', callId });
    await Promise.all([alice.page.context().close(), bob.page.context().close()]);
  }

  it('the media address goes away and a new one appears: the call moves to it, video both ways', async () => {
    const call = await connectedCall('path', OLD_PATH);
    await moveMedia('path-change');
    const changedAt = Date.now();
    await expectRecovered([call.alice, call.bob], NEW_PATH, changedAt, 'ICE path change → 3 new frames both ways', 'p2pPathChange');
    await hangUp(call);
  });

  it('a second network is up before the one in use goes away (make before break): media moves to it', async () => {
    const call = await connectedCall('handover', OLD_PATH);
    await moveMedia('handover');
    const changedAt = Date.now();
    await expectRecovered(
      [call.alice, call.bob],
      NEW_PATH,
      changedAt,
      'handover: the network in use goes away, another is up → 3 new frames both ways',
      'p2pHandover',
    );
    await hangUp(call);
  });

  it('no path at all for longer than the ICE restarts last: a new connection is made once a path is back', async () => {
    const call = await connectedCall('relink', OLD_PATH);
    await call.alice.setLocalBitrate('video', CAP_KBPS);
    await expect.poll(async () => (await call.alice.peerPaths()).open.map((p) => p.videoMaxBitrate)).toEqual([CAP_KBPS * 1000]);
    useAddresses();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    useAddresses(NEW_PATH);
    const backAt = Date.now();
    await expectRecovered(
      [call.alice, call.bob],
      NEW_PATH,
      backAt,
      `no media path for ${OUTAGE_MS} ms → path back → 3 new frames both ways`,
      'p2pNoPathBack',
    );
    for (const user of [call.alice, call.bob]) expect((await user.peerPaths()).created).toBeGreaterThan(1);
    // The new connection keeps the app's upload cap.
    expect((await call.alice.peerPaths()).open.map((p) => p.videoMaxBitrate)).toEqual([CAP_KBPS * 1000]);
    await hangUp(call);
  });
});
