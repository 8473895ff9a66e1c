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
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';

interface Path {
  iface: string;
  peer: string;
  address: string;
}
const OLD_PATH: Path = { iface: 'ocpatha0', peer: 'ocpatha1', address: '10.97.1.1' };
const NEW_PATH: Path = { iface: 'ocpathb0', peer: 'ocpathb1', address: '10.97.2.1' };
/** Longer than ≈1 s to notice + the ICE restart + the first new connection's window (default recovery policy). */
const OUTAGE_MS = 12_000;
/** Time for Chromium to learn about a new network interface and gather on it. */
const NETWORK_NOTICED_MS = 3000;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe', timeout: 5000 });
}

function addLink(path: { iface: string; peer: string }): void {
  try {
    ip('link', 'del', path.iface);
  } catch {
    // not there
  }
  ip('link', 'add', path.iface, 'type', 'veth', 'peer', 'name', path.peer);
  ip('link', 'set', path.iface, 'up');
  ip('link', 'set', path.peer, 'up');
}

function removeLink(path: { iface: string }): void {
  try {
    ip('link', 'del', path.iface);
  } catch {
    // already gone
  }
}

/** The addresses of `paths` on their interfaces: exactly those (others of the test removed). */
function useAddresses(...paths: Path[]): void {
  for (const path of [OLD_PATH, NEW_PATH]) {
    try {
      ip('addr', 'del', `${path.address}/24`, 'dev', path.iface);
    } catch {
      // not there
    }
  }
  for (const path of paths) ip('addr', 'add', `${path.address}/24`, 'dev', path.iface);
}

async function mediaAddresses(user: SdkUser): Promise<string[]> {
  const paths = await user.peerPaths();
  return paths.open.map((p) => `${p.local}→${p.remote}`);
}

describe('ICE path change', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    addLink(OLD_PATH);
    addLink(NEW_PATH);
    env = await startE2eEnv({ label: 'ice-path-change', budgetMs: 180_000, loopbackIce: false });
  });

  afterAll(async () => {
    await env?.close();
    removeLink(OLD_PATH);
    removeLink(NEW_PATH);
  });

  /** A connected 1:1 video call between two new users, media on `path` (the only address up). */
  async function connectedCall(prefix: string, path: Path): Promise<{ alice: SdkUser; bob: SdkUser; callId: string }> {
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

  /** Media back both ways on `path`, no hang-up on either side; prints the time since `since`. */
  async function expectRecovered(users: SdkUser[], path: Path, since: number, label: string): Promise<void> {
    const [alice, bob] = users as [SdkUser, SdkUser];
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 3, 30_000), bob.waitForRemoteFrames(alice.userId, 3, 30_000)]);
    console.log(`[e2e-timing] ${JSON.stringify({ label, ms: Date.now() - since })}`);
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
    useAddresses(NEW_PATH);
    const changedAt = Date.now();
    await expectRecovered([call.alice, call.bob], NEW_PATH, changedAt, 'ICE path change → 3 new frames both ways');
    await hangUp(call);
  });

  it('a second network is up before the one in use goes away (make before break): media moves to it', async () => {
    const call = await connectedCall('handover', OLD_PATH);
    useAddresses(OLD_PATH, NEW_PATH);
    await new Promise((resolve) => setTimeout(resolve, NETWORK_NOTICED_MS));
    useAddresses(NEW_PATH);
    const changedAt = Date.now();
    await expectRecovered(
      [call.alice, call.bob],
      NEW_PATH,
      changedAt,
      'handover: the network in use goes away, another is up → 3 new frames both ways',
    );
    await hangUp(call);
  });

  it('no path at all for longer than the ICE restarts last: a new connection is made once a path is back', async () => {
    const call = await connectedCall('relink', OLD_PATH);
    useAddresses();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    useAddresses(NEW_PATH);
    const backAt = Date.now();
    await expectRecovered(
      [call.alice, call.bob],
      NEW_PATH,
      backAt,
      `no media path for ${OUTAGE_MS} ms → path back → 3 new frames both ways`,
    );
    for (const user of [call.alice, call.bob]) expect((await user.peerPaths()).created).toBeGreaterThan(1);
    await hangUp(call);
  });
});
