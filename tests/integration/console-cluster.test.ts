/**
 * The console in cluster mode (two real nodes, one Postgres, the machine's Redis): the generated
 * password is printed by one node only and accepted by both, a session made on one node is valid on
 * the other, node B's console sees and acts on a call node A runs with devices on node A, and login
 * failures are counted across the nodes (Redis), not once per node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeAnsweredCall } from '../helpers/call-steps.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';

let cluster: TestCluster;
const clients: HeadlessClient[] = [];
let session: { cookie: string; csrf: string };
let password = '';

// biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the JSON shape.
async function consoleCall(node: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = session.csrf;
  }
  const response = await fetch(`${cluster.node(node).url}/console/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json() };
}

/** Polls node B's console until `done` holds (bounded: 100 × 100 ms). */
// biome-ignore lint/suspicious/noExplicitAny: the JSON under test.
async function untilOnB(path: string, done: (body: any) => boolean): Promise<any> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    last = (await consoleCall('node-b', 'GET', path)).body;
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} on node B never matched: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  cluster = await startCluster(['node-a', 'node-b'], { OPENCALL_ADMIN_PASSWORD: '' });
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await cluster?.stop();
});

describe('console in cluster mode', () => {
  it('prints the generated password on one node only; both nodes accept it, and each other’s sessions', async () => {
    const printed = ['node-a', 'node-b'].map((id) => /Password: (\S+)/.exec(cluster.node(id).logs())?.[1]).filter((p) => p !== undefined);
    expect(printed).toHaveLength(1);
    password = printed[0] ?? '';
    const login = await fetch(`${cluster.node('node-a').url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: printed[0] }),
    });
    expect(login.status).toBe(200);
    session = {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
    };
    const onB = await consoleCall('node-b', 'GET', '/session');
    expect(onB.status).toBe(200);
    expect(onB.body.csrfToken).toBe(session.csrf);
  });

  it('node B sees a call and the devices of node A, kicks one participant and ends the call', async () => {
    const a = cluster.node('node-a');
    for (const userId of ['cc-caller', 'cc-callee', 'cc-third']) {
      clients.push(await connectHeadless(a.url, a.appKey, userId, await a.getToken(userId)));
    }
    const [caller, callee] = clients as [HeadlessClient, HeadlessClient];
    const { callId } = await placeAnsweredCall(caller, callee);
    const appKey = a.appKey;

    const live = await untilOnB(`/live?appKey=${appKey}`, (body) => body.calls.some((c: { callId: string }) => c.callId === callId));
    const call = live.calls.find((c: { callId: string }) => c.callId === callId);
    expect(call).toMatchObject({ mediaPath: 'p2p', ownerNode: 'node-a', group: false });
    const now = Date.now();
    const overview = await untilOnB(`/overview?appKey=${appKey}&from=${now - 60_000}&to=${now + 60_000}`, (body) => body.live.users === 3);
    expect(overview.live).toMatchObject({ calls: 1, users: 3, devices: 3 });
    const user = await consoleCall('node-b', 'GET', `/users?appKey=${appKey}&userId=cc-callee`);
    expect(user.body).toMatchObject({ online: true, devices: [{ deviceId: 'cc-callee-dev1', nodeId: 'node-a', attached: true }] });

    await untilOnB(`/live?appKey=${appKey}`, (body) =>
      body.calls.some(
        (c: { callId: string; participants: { state: string }[] }) =>
          c.callId === callId && c.participants.every((p) => p.state === 'keeping'),
      ),
    );
    const kicked = await consoleCall('node-b', 'POST', '/live/kick', { appKey, callId, userId: 'cc-callee' });
    expect(kicked.status).toBe(200);
    await callee.waitFor('onSessionClose', (c) => c.sessionId === callId);
    await untilOnB(`/live?appKey=${appKey}`, (body) => !body.calls.some((c: { callId: string }) => c.callId === callId));
    const record = await untilOnB(`/calls?appKey=${appKey}&userId=cc-callee`, (body) => body.total === 1);
    const reasons = Object.fromEntries(
      record.calls[0].participants.map((p: { userId: string; endReason: number }) => [p.userId, p.endReason]),
    );
    expect(reasons['cc-callee']).toBe(23);

    // End call from node B: the call node A runs ends for both devices.
    const third = clients[2] as HeadlessClient;
    const second = await placeAnsweredCall(caller, third);
    await untilOnB(`/live?appKey=${appKey}`, (body) => body.calls.some((c: { callId: string }) => c.callId === second.callId));
    expect((await consoleCall('node-b', 'POST', '/live/end', { appKey, callId: second.callId })).status).toBe(200);
    await Promise.all([caller, third].map((c) => c.waitFor('onSessionClose', (cb) => cb.sessionId === second.callId)));
    await untilOnB(`/live?appKey=${appKey}`, (body) => body.calls.length === 0);
    const unknown = await consoleCall('node-b', 'POST', '/live/end', { appKey, callId: second.callId });
    expect(unknown.body.code).toBe('console.not_found');
  }, 60_000);

  it('counts login failures across the nodes: alternating nodes gives no extra attempts', async () => {
    const login = async (node: string, attempt: string) => {
      const response = await fetch(`${cluster.node(node).url}/console/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: attempt }),
        signal: AbortSignal.timeout(10_000),
      });
      return {
        status: response.status,
        code: ((await response.json()) as { code?: string }).code,
        retryAfter: response.headers.get('retry-after'),
      };
    };
    // Five free failures in all, spread over both nodes (per node there would be ten).
    const free: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) free.push((await login(i % 2 === 0 ? 'node-a' : 'node-b', `wrong-${i}`)).code);
    expect(free).toEqual(Array(5).fill('console.bad_password'));
    const sixth = await login('node-b', 'wrong-5');
    expect(sixth).toMatchObject({ status: 429, code: 'console.login_locked' });
    // The lock is shared: node A refuses even the right password until it runs out.
    const onA = await login('node-a', password);
    expect(onA).toMatchObject({ status: 429, code: 'console.login_locked' });
    expect(Number(onA.retryAfter)).toBeGreaterThan(0);
    // First lock is 1 s; once it has passed the right password works on either node and clears the count.
    let after = onA;
    for (let i = 0; i < 30 && after.status === 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await login('node-a', password);
    }
    expect(after.status).toBe(200);
    expect(await login('node-b', 'wrong-again')).toMatchObject({ status: 401, code: 'console.bad_password' });
  }, 30_000);
});
