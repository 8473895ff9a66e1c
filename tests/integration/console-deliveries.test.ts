/**
 * The console's webhook deliveries against the real server: a receiver that fails leaves the call's
 * events in the outbox (pending, attempts, last error) as the console lists them; once it answers
 * again, Replay sends them at once instead of after the 60 s retry delay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeAnsweredCall } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const PASSWORD = 'deliveries-console-password';
let server: ServerProcess;
let receiver: WebhookReceiver;
const clients: HeadlessClient[] = [];
let session: { cookie: string; csrf: string };

// biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the JSON shape.
async function consoleCall(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (method === 'POST') Object.assign(headers, { 'content-type': 'application/json', 'x-csrf-token': session.csrf });
  const response = await fetch(`${server.url}/console/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.answer = () => ({ status: 500 });
  server = await startServerProcess({
    env: {
      OPENCALL_ADMIN_PASSWORD: PASSWORD,
      OPENCALL_WEBHOOK_URL: receiver.url,
      OPENCALL_WEBHOOK_SECRET: 'deliveries-test-webhook-secret',
      OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
      OPENCALL_WEBHOOK_RETRY_DELAYS_MS: '60000',
    },
  });
  const login = await fetch(`${server.url}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: PASSWORD }),
  });
  session = {
    cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    csrf: ((await login.json()) as { csrfToken: string }).csrfToken,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
  await receiver?.close();
});

describe('console webhook deliveries', () => {
  it('lists the failed first attempt (pending, attempts, last error), and Replay delivers it now', async () => {
    for (const userId of ['wd-caller', 'wd-callee'])
      clients.push(await connectHeadless(server.url, server.appKey, userId, await server.getToken(userId)));
    const [caller, callee] = clients as [HeadlessClient, HeadlessClient];
    const { callId, callerSession } = await placeAnsweredCall(caller, callee);
    await callerSession.hungup();
    expect(await receiver.until(() => receiver.hooks.length >= 1, 10_000)).toBe(true);

    // biome-ignore lint/suspicious/noExplicitAny: the JSON under test.
    let listed: any;
    for (let i = 0; i < 50; i++) {
      listed = (await consoleCall('GET', `/deliveries?appKey=${server.appKey}&status=pending`)).body;
      if (listed.rows.some((r: { attempts: number; lastError?: string }) => r.attempts >= 1 && r.lastError)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const failed = listed.rows.find((r: { attempts: number }) => r.attempts >= 1);
    expect(failed).toMatchObject({ appKey: server.appKey, callId, status: 'pending', attempts: 1 });
    expect(failed.lastError).toContain('500');
    expect(failed.dueAt).toBeGreaterThan(Date.now() + 30_000);
    expect(listed.total).toBeGreaterThanOrEqual(1);

    receiver.answer = () => ({ status: 200 });
    const before = receiver.hooks.length;
    expect((await consoleCall('POST', '/deliveries/replay', { id: failed.id })).body).toEqual({ ok: true });
    expect(await receiver.until(() => receiver.hooks.slice(before).some((h) => h.status === 200), 10_000)).toBe(true);
    let remaining = listed.total;
    for (let i = 0; i < 50 && remaining > 0; i++) {
      remaining = (await consoleCall('GET', `/deliveries?appKey=${server.appKey}`)).body.total;
      if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(remaining).toBe(0);
  }, 60_000);
});
