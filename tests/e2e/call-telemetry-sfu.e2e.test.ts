/**
 * Call quality telemetry of a 3-party group call through the Janus SFU (the server's own Janus on a veth
 * pair, as in sfu-group.e2e.test.ts): every participant has series, setup timings and a timeline, and
 * its received video is attributed to the publisher of each subscription.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { complete, detailWhen, expectSeries, expectTimeline } from './harness/call-detail-checks.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { openGroupUser } from './harness/group-agent.js';
import { everyoneDecodesEveryone, startGroupCall } from './harness/group-call.js';
import { addVeth, type Veth } from './harness/veth.js';

describe('call quality telemetry through the SFU', () => {
  let env: E2eEnv;
  let veth: Veth;
  let storage: Storage;

  beforeAll(async () => {
    veth = addVeth();
    env = await startE2eEnv({
      label: 'call-telemetry-sfu',
      budgetMs: 240_000,
      serverEnv: { OPENCALL_SFU: 'auto', OPENCALL_JANUS_ICE_INTERFACE: veth.iface },
    });
    storage = await openSqliteStorage(join(env.server.dataDir, 'opencall.sqlite'));
  });

  afterAll(async () => {
    await storage?.close();
    await env?.close();
    veth?.remove();
  });

  it('3 users through Janus: series per participant, subscriptions attributed to their publishers', async () => {
    const users = await Promise.all(['ts-a', 'ts-b', 'ts-c'].map((id) => openGroupUser(env, id)));
    const callId = await startGroupCall(env, 'tel-sfu', users);
    await everyoneDecodesEveryone(users, 10);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    for (const user of users) await user.page.evaluate(() => window.__group.hangup()).catch(() => undefined);

    const detail = await detailWhen(storage, env.server.appKey, callId, complete);
    expect(detail.call).toMatchObject({ live: false, mediaPath: 'sfu' });
    expect(detail.participants).toHaveLength(3);
    expectSeries(detail);
    // The caller joins its SFU room while the call rings (media up by the first answer): its `join` may
    // come before the first `accept`; every participant joined.
    expectTimeline(detail, ['invite', 'accept', 'end']);
    const joined = detail.events.filter((e) => e.kind === 'join').map((e) => e.userId);
    expect(new Set(joined)).toEqual(new Set(detail.participants.map((p) => p.userId)));
    expect(detail.events.findIndex((e) => e.kind === 'join')).toBeGreaterThan(detail.events.findIndex((e) => e.kind === 'invite'));
    for (const p of detail.participants) {
      const own = detail.samples.filter((s) => s.userId === p.userId);
      const peers = new Set(own.filter((s) => s.kind === 'video' && s.direction === 'recv').map((s) => s.peerUserId));
      const others = users.map((u) => u.userId).filter((id) => id !== p.userId);
      expect([...peers].sort(), `${p.userId}: subscriptions`).toEqual(others.sort());
      // The publisher connection goes to the SFU: no remote user.
      expect(new Set(own.filter((s) => s.direction === 'send').map((s) => s.peerUserId)), `${p.userId}: sent`).toEqual(new Set(['']));
    }
    console.log(`[telemetry] SFU call: ${detail.samples.length} samples, MOS ${detail.call.qualityMos}`);
    await Promise.all(users.map((u) => u.page.context().close()));
  });
});
