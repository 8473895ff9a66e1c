/**
 * TURN with time-limited credentials: coturn (`use-auth-secret`) on 127.0.0.1, the server hands out
 * `expiry:userId` / HMAC-SHA1 credentials in `welcome.iceServers`, and a 1:1 video call whose
 * browsers are forced to relay-only ICE (RCRTC installer option `iceTransportPolicy: 'relay'`) connects.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { openGroupUser } from './harness/group-agent.js';
import { MediaType } from './harness/sdk-user.js';

const TURN_PORT = 34780;
const SECRET = 'e2e-turn-secret';

describe('relay-only 1:1 call through coturn', () => {
  let env: E2eEnv;
  let coturn: ChildProcess;

  beforeAll(async () => {
    coturn = spawn(
      'turnserver',
      [
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        `--listening-port=${TURN_PORT}`,
        '--use-auth-secret',
        `--static-auth-secret=${SECRET}`,
        '--realm=opencall.test',
        '--allow-loopback-peers',
        '--no-cli',
        '--no-tls',
        '--no-dtls',
        '--min-port=41000',
        '--max-port=41999',
        '--log-file=stdout',
      ],
      { stdio: 'ignore' },
    );
    env = await startE2eEnv({
      label: 'sfu-turn',
      budgetMs: 180_000,
      serverEnv: { OPENCALL_TURN_URLS: `turn:127.0.0.1:${TURN_PORT}?transport=udp`, OPENCALL_TURN_SECRET: SECRET, OPENCALL_SFU: 'off' },
    });
  });

  afterAll(async () => {
    await env?.close();
    if (coturn?.pid && coturn.exitCode === null) process.kill(coturn.pid, 'SIGKILL');
  });

  it('connects with relay candidates only and decodes video both ways', async () => {
    const relay = { rtcOptions: { iceTransportPolicy: 'relay' } };
    const alice = await openGroupUser(env, 'turn-a', relay);
    const bob = await openGroupUser(env, 'turn-b', relay);
    const { code, callId } = await alice.page.evaluate((o) => window.__group.call(o), {
      targetId: bob.userId,
      mediaType: MediaType.AUDIO_VIDEO,
    });
    expect(code).toBe(10000);
    await bob.waitFor({ name: 'onSession', callId: callId! });
    expect((await bob.page.evaluate(() => window.__group.accept())).code).toBe(10000);
    await Promise.all([alice.waitForRemoteFrames(bob.userId, 20, 30_000), bob.waitForRemoteFrames(alice.userId, 20, 30_000)]);
    await alice.page.evaluate(() => window.__group.hangup());
    await bob.waitFor({ name: 'onSessionClose', callId: callId! });
  });
});
