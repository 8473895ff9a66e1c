/**
 * Cluster mode (PostgreSQL + Redis): a node that dies (`kill -9`) while it holds a webhook delivery
 * does not lose it — another node claims the row once the lease lapses (`FOR UPDATE SKIP LOCKED`) and
 * delivers it with the same id, then the rest of the call's events, in order.
 */
import { randomBytes } from 'node:crypto';
import { RCCallMediaType } from '@opencall/call';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
let receiver: WebhookReceiver;
let cluster: TestCluster;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  cluster = await startCluster(['node-a'], {
    OPENCALL_WEBHOOK_URL: `${receiver.url}/hooks`,
    OPENCALL_WEBHOOK_SECRET: SECRET,
    OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
    // A 1 s timeout: a dead node's claim lapses after 3 s.
    OPENCALL_WEBHOOK_TIMEOUT_MS: '1000',
    OPENCALL_WEBHOOK_RETRY_DELAYS_MS: '200',
    OPENCALL_RING_TIMEOUT_MS: '120000',
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await cluster?.stop();
  await receiver.close();
});

const callIdOf = (hook: ReceivedHook) => (hook.body.data as { callId: string }).callId;

describe('webhooks in a cluster', () => {
  it('kill -9 of the node holding a delivery: another node delivers it after the lease, same id, then the rest in order', async () => {
    const a = cluster.node('node-a');
    for (const userId of ['wcA1', 'wcB1']) clients.push(await connectHeadless(a.url, a.appKey, userId, await a.getToken(userId)));
    const [caller, callee] = clients as [HeadlessClient, HeadlessClient];
    receiver.answer = () => 'hold';
    const placed = await caller.client.call({ targetId: 'wcB1', mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
    const callId = placed.session!.getSessionId();
    await callee.waitFor('onSession', (c) => c.sessionId === callId);
    expect(await receiver.until(() => receiver.hooks.some((h) => callIdOf(h) === callId), 5000)).toBe(true);
    const held = receiver.hooks.find((h) => callIdOf(h) === callId)!;
    expect(held.body.type).toBe('call.invited');

    await a.kill('SIGKILL');
    receiver.answer = () => ({ status: 200 });
    const killedAt = Date.now();
    await cluster.start('node-b');
    const delivered = () => receiver.hooks.filter((h) => callIdOf(h) === callId && h.status === 200);
    expect(await receiver.until(() => delivered().length >= 2, 20_000)).toBe(true);
    const [first, second] = delivered();
    expect(first!.headers['webhook-id']).toBe(held.headers['webhook-id']);
    expect(first!.raw).toBe(held.raw);
    expect(second!.body.type).toBe('call.ringing');
    expect(() => new Webhook(SECRET).verify(first!.raw, first!.headers as Record<string, string>)).not.toThrow();
    console.log(`[webhooks] held delivery re-sent by node-b ${first!.at - killedAt} ms after node-a was killed`);
  }, 60_000);
});
