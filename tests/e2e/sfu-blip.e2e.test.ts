/**
 * Network outages in a group call through the Janus SFU: the SFU's address disappears (every media
 * path of the call dies; signaling on loopback stays), then comes back. A short outage heals by itself
 * (ICE consent resumes); a long one — Chrome stays `disconnected` and never recovers alone — needs the
 * SDK's recovery: ICE restarts, then new publisher connections (`sfu.publish` with `fresh`) and new
 * subscriptions. Either way the call must survive (no hang-up) and everyone must decode everyone
 * again. The time from the address coming back to 3 new frames on every stream is printed as
 * `[e2e-timing]`.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { openGroupUser } from './harness/group-agent.js';
import { everyoneDecodesEveryone, startGroupCall } from './harness/group-call.js';
import { expectWithinClaim } from './harness/readme-claims.js';
import { addVeth, type Veth } from './harness/veth.js';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe', timeout: 5000 });
}

describe('network blip in an SFU group call', () => {
  let env: E2eEnv;
  let veth: Veth;

  beforeAll(async () => {
    veth = addVeth('ocblip0', 'ocblip1', '10.99.1.1');
    env = await startE2eEnv({
      label: 'sfu-blip',
      budgetMs: 240_000,
      loopbackIce: false,
      serverEnv: { OPENCALL_SFU: 'auto', OPENCALL_JANUS_ICE_INTERFACE: veth.iface, OPENCALL_RING_TIMEOUT_MS: '30000' },
    });
  });

  afterAll(async () => {
    await env?.close();
    veth?.remove();
  });

  /** A 3-party SFU call; the SFU's address is gone for `outageMs`; returns how many new RTCPeerConnections each page made. */
  async function outage(prefix: string, outageMs: number): Promise<number[]> {
    const users = await Promise.all(['a', 'b', 'c'].map((id) => openGroupUser(env, `${prefix}-${id}`)));
    const callId = await startGroupCall(env, prefix, users);
    await everyoneDecodesEveryone(users, 20, 45_000);
    const before = await Promise.all(users.map(async (u) => (await u.peerPaths()).created));

    ip('addr', 'del', `${veth.address}/24`, 'dev', veth.iface);
    try {
      await new Promise((resolve) => setTimeout(resolve, outageMs));
    } finally {
      ip('addr', 'add', `${veth.address}/24`, 'dev', veth.iface);
    }
    const backAt = Date.now();
    try {
      await everyoneDecodesEveryone(users, 3, 40_000);
    } finally {
      for (const user of users) console.log(`[sfu-blip] ${user.userId}: ${user.consoleLines.filter((l) => l.includes('SFU')).join(' | ')}`);
    }
    const recoveredMs = Date.now() - backAt;
    console.log(
      `[e2e-timing] ${JSON.stringify({ label: `SFU call: address back after ${outageMs} ms → 3 new frames on every stream`, ms: recoveredMs })}`,
    );
    expectWithinClaim('sfuAddressBack', recoveredMs);
    for (const user of users) {
      const ends = (await user.log()).filter((e) => e.name === 'onHungup' || e.name === 'onSessionClose');
      expect(ends).toEqual([]);
    }
    const made = await Promise.all(users.map(async (u, i) => (await u.peerPaths()).created - before[i]!));
    await users[0]!.page.evaluate(() => window.__group.hangup());
    for (const user of users.slice(1)) await user.waitFor({ name: 'onHungup', callId });
    await Promise.all(users.map((u) => u.page.context().close()));
    return made;
  }

  it('gone for 6 s: ICE heals by itself, no hang-up, everyone decodes everyone again', async () => {
    await outage('sfu-blip', 6000);
  });

  it('gone for 25 s: connections are made anew (bounded recovery), no hang-up, everyone decodes everyone again', async () => {
    const made = await outage('sfu-gone', 25_000);
    for (const count of made) expect(count).toBeGreaterThan(0);
  });
});
