import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { janusPidOf } from '../helpers/janus-process.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { openGroupUser } from './harness/group-agent.js';
import { everyoneDecodesEveryone, startGroupCall } from './harness/group-call.js';
import { addVeth, type Veth } from './harness/veth.js';

const NETWORK_ERROR = 7;
const REMOTE_NETWORK_ERROR = 17;

describe('group calls through the Janus SFU', () => {
  let env: E2eEnv;
  let veth: Veth;

  beforeAll(async () => {
    veth = addVeth();
    env = await startE2eEnv({
      label: 'sfu-group',
      budgetMs: 360_000,
      serverEnv: { OPENCALL_SFU: 'auto', OPENCALL_JANUS_ICE_INTERFACE: veth.iface, OPENCALL_RING_TIMEOUT_MS: '30000' },
    });
  });

  afterAll(async () => {
    await env?.close();
    veth?.remove();
  });

  it('four users: everyone decodes everyone through the SFU', async () => {
    const users = await Promise.all(['g4-a', 'g4-b', 'g4-c', 'g4-d'].map((id) => openGroupUser(env, id)));
    const callId = await startGroupCall(env, 'sfu-g4', users);
    await everyoneDecodesEveryone(users, 20);
    expect(env.server.logs()).toMatch(/janus up/);
    expect(env.server.logs()).toMatch(/connected to janus/);
    await expect(users[0]!.page.evaluate(() => document.querySelectorAll('video[data-e2e-video^="remote-"]').length)).resolves.toBe(3);
    await users[0]!.page.evaluate(() => window.__group.hangup());
    for (const user of users.slice(1)) await user.waitFor({ name: 'onHungup', callId });
    await Promise.all(users.map((u) => u.page.context().close()));
  });

  it('Janus killed mid-call: the call ends with a network reason everywhere, the server stays up', async () => {
    const users = await Promise.all(['gk-a', 'gk-b', 'gk-c'].map((id) => openGroupUser(env, id)));
    const callId = await startGroupCall(env, 'sfu-gk', users);
    await everyoneDecodesEveryone(users, 10);
    const pid = janusPidOf(env.server.dataDir);
    expect(pid, 'the server runs its own Janus').toBeDefined();
    process.kill(pid!, 'SIGKILL');
    const reasons = await Promise.all(users.map(async (u) => (await u.waitFor({ name: 'onSessionClose', callId }, 20_000)).endReason));
    for (const reason of reasons) expect([NETWORK_ERROR, REMOTE_NETWORK_ERROR]).toContain(reason);
    const health = await fetch(new URL('/healthz', env.server.url));
    expect(health.status).toBe(200);
    await Promise.all(users.map((u) => u.page.context().close()));
  });
});
