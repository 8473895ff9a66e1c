/**
 * Web Push against the real server process and a push-service stand-in on 127.0.0.1 (README "Web
 * Push"): the ring push decrypts (RFC 8291, decrypted here with node:crypto), carries a VAPID JWT
 * that verifies with the server's key, and has TTL = ring time left, `Urgency: high`, `Topic` = call
 * id; the caller's cancel sends a replacing push (same topic); a decline with the subscription's
 * token ends the call for the caller with REMOTE_REJECT; answering on a device sends a `close` push;
 * a 410 answer prunes the subscription.
 */
import { RCCallEndReason, RCCallMediaType, type RCCallSession } from '@opencall/call';
import { WebPushErrorCode, WebPushMessage } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTopicFor } from '../../packages/server/src/services/push/web-push-topic.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import {
  type BrowserSubscriptionKeys,
  decryptPush,
  newSubscriptionKeys,
  type PushServiceStandIn,
  type ReceivedPush,
  startPushServiceStandIn,
  verifyVapid,
} from '../helpers/push-service-stand-in.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const RING_TIMEOUT_MS = 30_000;
const SUBJECT = 'mailto:ops@opencall.test';

let server: ServerProcess;
let pushService: PushServiceStandIn;
let vapidPublicKey = '';
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  pushService = await startPushServiceStandIn();
  server = await startServerProcess({
    env: {
      OPENCALL_WEB_PUSH_SUBJECT: SUBJECT,
      OPENCALL_WEB_PUSH_ALLOW_PRIVATE: '1',
      OPENCALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
    },
  });
  const reply = await fetch(`${server.url}/webpush/vapid-public-key`);
  vapidPublicKey = ((await reply.json()) as { publicKey: string }).publicKey;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
  await pushService?.close();
});

interface Registered {
  keys: BrowserSubscriptionKeys;
  path: string;
  declineToken: string;
}

async function register(userId: string, deviceId: string, imToken?: string): Promise<Registered> {
  const keys = newSubscriptionKeys();
  const path = `/push/${deviceId}`;
  const reply = await fetch(`${server.url}/webpush/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${imToken ?? (await server.getToken(userId))}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      deviceId,
      subscription: { endpoint: `${pushService.origin}${path}`, keys: { p256dh: keys.p256dh, auth: keys.auth } },
    }),
  });
  expect(reply.status).toBe(200);
  const { declineToken } = (await reply.json()) as { declineToken: string };
  return { keys, path, declineToken };
}

/** `at`: just before `call()`; `ackedAt`: once it resolved (the server acknowledged the stored invite). */
async function callOffline(
  callerId: string,
  calleeId: string,
): Promise<{ caller: HeadlessClient; session: RCCallSession; at: number; ackedAt: number }> {
  const caller = await connectHeadless(server.url, server.appKey, callerId, await server.getToken(callerId));
  clients.push(caller);
  await server.getToken(calleeId);
  const at = Date.now();
  const placed = await caller.client.call({ targetId: calleeId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: caller.listener() });
  expect(placed.session).toBeDefined();
  return { caller, session: placed.session!, at, ackedAt: Date.now() };
}

async function pushesTo(path: string, count: number): Promise<ReceivedPush[]> {
  const to = () => pushService.pushes.filter((p) => p.path === path);
  expect(await pushService.until(() => to().length >= count, 10_000), `${count} pushes to ${path}`).toBe(true);
  return to();
}

function open(push: ReceivedPush, keys: BrowserSubscriptionKeys): WebPushMessage {
  return WebPushMessage.parse(JSON.parse(decryptPush(push.body, keys)));
}

describe('web push', () => {
  it('the ring push decrypts, its VAPID JWT verifies, TTL = ring left, Urgency high, Topic = call id; cancel replaces it', async () => {
    const bob = await register('wpBob', 'wpBob-laptop');
    const { session, at, ackedAt } = await callOffline('wpAlice', 'wpBob');
    const callId = session.getSessionId();
    const [ring] = await pushesTo(bob.path, 1);
    expect(ring!.headers['content-encoding']).toBe('aes128gcm');
    expect(ring!.headers.urgency).toBe('high');
    expect(ring!.headers.topic).toBe(pushTopicFor(callId));
    const ttl = Number(ring!.headers.ttl);
    expect(ttl).toBeLessThanOrEqual(RING_TIMEOUT_MS / 1000);
    expect(ttl).toBeGreaterThanOrEqual(RING_TIMEOUT_MS / 1000 - 3);
    const claims = verifyVapid(ring!.headers.authorization as string, vapidPublicKey);
    expect(claims.aud).toBe(pushService.origin);
    expect(claims.sub).toBe(SUBJECT);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    const message = open(ring!, bob.keys);
    expect(message).toMatchObject({ v: 1, kind: 'call', callId, mediaType: RCCallMediaType.AUDIO_VIDEO, sender: { userId: 'wpAlice' } });
    expect(message.ringDeadline).toBeGreaterThanOrEqual(at + RING_TIMEOUT_MS - 1000);
    expect(message.ringDeadline).toBeLessThanOrEqual(Date.now() + RING_TIMEOUT_MS);
    console.log(`[web-push] ring push at the stand-in ${ring!.at - ackedAt} ms after the caller's acknowledgement`);

    await session.hungup();
    const [, hangup] = await pushesTo(bob.path, 2);
    expect(hangup!.headers.topic).toBe(pushTopicFor(callId));
    expect(open(hangup!, bob.keys)).toMatchObject({ kind: 'hangup', callId, reason: RCCallEndReason.CANCEL });
  }, 30_000);

  it('a decline with the subscription token ends the call for the caller with REMOTE_REJECT; the token declines nothing else', async () => {
    const carol = await register('wpCarol', 'wpCarol-laptop');
    const { caller, session } = await callOffline('wpDave', 'wpCarol');
    await pushesTo(carol.path, 1);
    const decline = (token: string, callId: string) =>
      fetch(`${server.url}/webpush/decline`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ callId }),
      });
    const forged = await decline('not-a-token', session.getSessionId());
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { code: number }).code).toBe(WebPushErrorCode.UNAUTHORIZED);
    // Another user's token does not reach carol's call.
    const other = await register('wpErin', 'wpErin-laptop');
    const wrongUser = await decline(other.declineToken, session.getSessionId());
    expect(wrongUser.status).toBe(404);
    expect(((await wrongUser.json()) as { code: number }).code).toBe(WebPushErrorCode.NOT_RINGING);
    const bad = await decline(carol.declineToken, 'bad id!');
    expect(bad.status).toBe(400);

    const declinedAt = Date.now();
    const declined = await decline(carol.declineToken, session.getSessionId());
    expect(declined.status).toBe(200);
    const closed = await caller.waitForClose(session.getSessionId(), 5000);
    console.log(`[web-push] decline POST → caller's session closed in ${Date.now() - declinedAt} ms`);
    expect(closed.summary.endReason).toBe(RCCallEndReason.REMOTE_REJECT);
    const again = await decline(carol.declineToken, session.getSessionId());
    expect(again.status).toBe(404);
  }, 30_000);

  it('answering on a device that connected since sends the other subscriptions a close push (same topic)', async () => {
    const frank = await register('wpFrank', 'wpFrank-laptop');
    const { session } = await callOffline('wpGina', 'wpFrank');
    await pushesTo(frank.path, 1);
    const phone = await connectHeadless(server.url, server.appKey, 'wpFrank', await server.getToken('wpFrank'), 'wpFrank-phone');
    clients.push(phone);
    await phone.waitFor('onSession', undefined, 5000);
    const ringing = phone.sessions.find((s) => s.getSessionId() === session.getSessionId());
    expect(ringing).toBeDefined();
    await ringing!.accept();
    const [, close] = await pushesTo(frank.path, 2);
    expect(close!.headers.topic).toBe(pushTopicFor(session.getSessionId()));
    expect(open(close!, frank.keys)).toMatchObject({ kind: 'close', callId: session.getSessionId() });
    await session.hungup();
  }, 30_000);

  it('a 410 from the push service prunes the subscription: the next call pushes to it no more', async () => {
    const gone = await register('wpHank', 'wpHank-old');
    const kept = await register('wpHank', 'wpHank-new');
    pushService.answer = (path) => (path === gone.path ? 410 : 201);
    const first = await callOffline('wpIris', 'wpHank');
    await pushesTo(gone.path, 1);
    await pushesTo(kept.path, 1);
    expect(await pushService.until(() => server.logs().includes('web push subscription gone: removed'), 5000)).toBe(true);
    await first.session.hungup();
    await pushesTo(kept.path, 2);
    const second = await callOffline('wpIris', 'wpHank');
    await pushesTo(kept.path, 3);
    expect(pushService.pushes.filter((p) => p.path === gone.path)).toHaveLength(1);
    await second.session.hungup();
  }, 30_000);

  it('a push service failing (503) has the notice retried by the outbox: the push arrives on the next attempt', async () => {
    const kim = await register('wpKim', 'wpKim-laptop');
    let refused = 0;
    pushService.answer = (path) => (path === kim.path && refused++ === 0 ? 503 : 201);
    const { session } = await callOffline('wpLee', 'wpKim');
    const [first, second] = await pushesTo(kim.path, 2);
    expect([first!.status, second!.status]).toEqual([503, 201]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900); // the outbox's first backoff is 1 s
    expect(open(second!, kim.keys)).toMatchObject({ kind: 'call', callId: session.getSessionId() });
    // The retry's TTL is what is left of the ring then.
    expect(Number(second!.headers.ttl)).toBeLessThanOrEqual(Number(first!.headers.ttl));
    pushService.answer = () => 201;
    await session.hungup();
  }, 30_000);

  it('refuses a subscription without an IM token, with bad keys or an endpoint that is no URL', async () => {
    const keys = newSubscriptionKeys();
    const body = (endpoint: string, p256dh = keys.p256dh) =>
      JSON.stringify({ deviceId: 'd1', subscription: { endpoint, keys: { p256dh, auth: keys.auth } } });
    const post = (init: RequestInit) => fetch(`${server.url}/webpush/subscriptions`, { method: 'POST', ...init });
    const anonymous = await post({ headers: { 'content-type': 'application/json' }, body: body('https://push.invalid/x') });
    expect(anonymous.status).toBe(401);
    const token = await server.getToken('wpJoe');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const shortKey = await post({ headers: auth, body: body('https://push.invalid/x', 'AAAA') });
    expect(shortKey.status).toBe(400);
    expect(((await shortKey.json()) as { code: number }).code).toBe(WebPushErrorCode.BAD_REQUEST);
    const notUrl = await post({ headers: auth, body: body('not a url') });
    expect(notUrl.status).toBe(400);
    const removed = await fetch(`${server.url}/webpush/subscriptions`, {
      method: 'DELETE',
      headers: auth,
      body: JSON.stringify({ deviceId: 'd1' }),
    });
    expect(await removed.json()).toEqual({ removed: false });
  });
});
