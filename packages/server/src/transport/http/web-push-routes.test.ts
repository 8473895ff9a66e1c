import { createECDH } from 'node:crypto';
import { WebPushErrorCode } from '@opencall/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage, TokenCheck } from '../../ports/index.js';
import { capabilityHash, endpointRefusal, registerWebPushRoutes } from './web-push-routes.js';

/** A browser's P-256 public key and 16-byte auth secret, base64url. */
const browserKey = createECDH('prime256v1');
browserKey.generateKeys();
const P256DH = browserKey.getPublicKey().toString('base64url');
const AUTH = Buffer.alloc(16, 1).toString('base64url');

describe('push endpoint guard', () => {
  it('wants https: on a public address without credentials, unless private endpoints are allowed', () => {
    expect(endpointRefusal('https://push.example/x', false)).toBeUndefined();
    expect(endpointRefusal('http://push.example/x', false)).toMatch(/https/);
    expect(endpointRefusal('https://127.0.0.1/x', false)).toMatch(/private or loopback/);
    expect(endpointRefusal('https://10.1.2.3/x', false)).toMatch(/private or loopback/);
    expect(endpointRefusal('https://user:pw@push.example/x', false)).toMatch(/credentials/);
    expect(endpointRefusal('http://127.0.0.1:9/x', true)).toBeUndefined();
  });
});

describe('web push routes', () => {
  let storage: Storage;
  let http: FastifyInstance;
  let declines: string[];

  async function start(publicKey: string | undefined, declinesPerMinute = 2): Promise<void> {
    http = Fastify();
    registerWebPushRoutes(http, {
      storage,
      tokens: {
        verify: async (token): Promise<TokenCheck> =>
          token.startsWith('im-')
            ? { ok: true, appKey: 'app1', userId: token.slice(3), issuedAt: 0 }
            : { ok: false, code: 31004, message: 'bad token' },
      },
      config: { subject: 'mailto:ops@example.com', allowPrivateEndpoints: false, declinesPerMinute },
      publicKey,
      decline: (appKey, userId, deviceId, callId) => {
        declines.push(`${appKey}/${userId}/${deviceId}/${callId}`);
        return callId === 'ringing1';
      },
      logger: pino({ level: 'silent' }),
    });
    await http.ready();
  }

  const subscribe = (token: string, endpoint = 'https://push.example/sub1', deviceId = 'laptop') =>
    http.inject({
      method: 'POST',
      url: '/webpush/subscriptions',
      headers: { authorization: `Bearer ${token}` },
      payload: { deviceId, subscription: { endpoint, keys: { p256dh: P256DH, auth: AUTH } } },
    });
  const decline = (token: string, callId: string) =>
    http.inject({ method: 'POST', url: '/webpush/decline', headers: { authorization: `Bearer ${token}` }, payload: { callId } });

  beforeEach(async () => {
    storage = await openSqliteStorage(':memory:');
    declines = [];
  });

  afterEach(async () => {
    await http.close();
    await storage.close();
  });

  it('off (no VAPID key): every endpoint answers 404 DISABLED', async () => {
    await start(undefined);
    for (const reply of [
      await http.inject({ url: '/webpush/vapid-public-key' }),
      await subscribe('im-bob'),
      await decline('x', 'ringing1'),
    ]) {
      expect(reply.statusCode).toBe(404);
      expect(reply.json().code).toBe(WebPushErrorCode.DISABLED);
    }
  });

  it('subscribe: IM token required, endpoint guarded; the decline token is kept only as its hash', async () => {
    await start('BPublicKey');
    expect((await http.inject({ url: '/webpush/vapid-public-key' })).json()).toEqual({ publicKey: 'BPublicKey' });
    expect((await subscribe('nope')).json().code).toBe(WebPushErrorCode.UNAUTHORIZED);
    // 65 bytes, but no point on the curve.
    const offCurve = await http.inject({
      method: 'POST',
      url: '/webpush/subscriptions',
      headers: { authorization: 'Bearer im-bob' },
      payload: {
        deviceId: 'laptop',
        subscription: { endpoint: 'https://push.example/x', keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: AUTH } },
      },
    });
    expect(offCurve.statusCode).toBe(400);
    expect(offCurve.json().code).toBe(WebPushErrorCode.BAD_REQUEST);
    const loopback = await subscribe('im-bob', 'https://127.0.0.1/x');
    expect(loopback.statusCode).toBe(400);
    expect(loopback.json().code).toBe(WebPushErrorCode.INSECURE_ENDPOINT);
    const ok = await subscribe('im-bob');
    expect(ok.statusCode).toBe(200);
    const { declineToken } = ok.json() as { declineToken: string };
    expect(declineToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [stored] = await storage.webPush.listForUser('app1', 'bob');
    expect(stored?.capabilityHash).toBe(capabilityHash(declineToken));
    expect(JSON.stringify(stored)).not.toContain(declineToken);
    const preflight = await http.inject({ method: 'OPTIONS', url: '/webpush/decline' });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('decline: the token names the user and device; not ringing → 404; over the rate → 429', async () => {
    await start('BPublicKey', 2);
    const { declineToken } = (await subscribe('im-bob')).json() as { declineToken: string };
    expect((await decline('forged', 'ringing1')).statusCode).toBe(401);
    const declined = await decline(declineToken, 'ringing1');
    expect(declined.statusCode).toBe(200);
    expect(declined.headers['access-control-allow-origin']).toBe('*');
    const notRinging = await decline(declineToken, 'other1');
    expect(notRinging.statusCode).toBe(404);
    expect(notRinging.json().code).toBe(WebPushErrorCode.NOT_RINGING);
    const limited = await decline(declineToken, 'ringing1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe(WebPushErrorCode.RATE_LIMITED);
    expect(declines).toEqual(['app1/bob/laptop/ringing1', 'app1/bob/laptop/other1']);
  });
});
