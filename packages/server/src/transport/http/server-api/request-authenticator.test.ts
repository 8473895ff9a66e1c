import { ServerApiCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryNonceStore } from '../../../adapters/nonce/memory-nonce-store.js';
import type { AppRecord } from '../../../ports/index.js';
import { SecurityCounters } from '../../../services/security/security-counters.js';
import { SecurityEventLog } from '../../../services/security/security-event-log.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { ServerApiFailure } from './server-api-failure.js';
import { computeSignature, computeSignatureV2 } from './verify-signature.js';

const APP: AppRecord = { appKey: 'app1', appSecret: 'secret1', name: '', createdAt: 0, audioCallEnabled: true, videoCallEnabled: true };
const NOW = 1_767_225_600_000;

function setup(options: { requireV2?: boolean; capacity?: number; legacyReusedV1?: boolean; app?: AppRecord } = {}) {
  const app = options.app ?? APP;
  const counters = new SecurityCounters();
  const lines: unknown[] = [];
  const auth = new RequestAuthenticator({
    apps: { get: async (key) => (key === app.appKey ? app : undefined) },
    nonces: new MemoryNonceStore(options.capacity ?? 100, () => NOW),
    windowS: 300,
    requireV2: options.requireV2 ?? false,
    legacyReusedV1: options.legacyReusedV1 ?? false,
    security: new SecurityEventLog({ warn: (fields: unknown) => void lines.push(fields) } as never, counters, 10_000, () => NOW),
    now: () => NOW,
  });
  return { auth, counters, lines };
}

function v1Headers(nonce: string, timestamp = String(NOW / 1000), secret = APP.appSecret, appKey = APP.appKey) {
  return { 'app-key': appKey, nonce, timestamp, signature: computeSignature(secret, nonce, timestamp) };
}

/** Runs claim → verify → consumeNonce; the failure (code and message) or 'ok'. */
async function attempt(auth: RequestAuthenticator, headers: Record<string, string>, body = ''): Promise<string> {
  try {
    const claim = auth.claim(headers, '127.0.0.1');
    await auth.verify(claim, { method: 'POST', url: '/user/getToken.json', body: Buffer.from(body) });
    await auth.consumeNonce(claim);
    return 'ok';
  } catch (error) {
    if (error instanceof ServerApiFailure) return `${error.code} ${error.message}`;
    throw error;
  }
}

describe('RequestAuthenticator', () => {
  it('after a rotation the previous secret signs (v1 and v2) until its grace ends', async () => {
    const rotated = { ...APP, appSecret: 'secret2', previousSecret: APP.appSecret };
    const during = setup({ app: { ...rotated, previousSecretUntil: NOW + 1 } }).auth;
    expect(await attempt(during, v1Headers('r1'))).toBe('ok');
    expect(await attempt(during, v1Headers('r2', String(NOW / 1000), 'secret2'))).toBe('ok');
    const v2 = (nonce: string, secret: string) => {
      const timestamp = String(NOW / 1000);
      const signature = computeSignatureV2(secret, nonce, timestamp, 'POST', '/user/getToken.json', '');
      return { 'app-key': APP.appKey, nonce, timestamp, signature, 'x-opencall-signature-version': '2' };
    };
    expect(await attempt(during, v2('r3', APP.appSecret))).toBe('ok');
    const after = setup({ app: { ...rotated, previousSecretUntil: NOW } }).auth;
    expect(await attempt(after, v1Headers('r4'))).toBe('1004 Signature verification failed: signature mismatch');
    expect(await attempt(after, v2('r5', APP.appSecret))).toBe('1004 Signature verification failed: signature mismatch');
    expect(await attempt(after, v1Headers('r6', String(NOW / 1000), 'secret2'))).toBe('ok');
  });

  it('a disabled app gets 1006 with a good signature and 1004 with a bad one', async () => {
    const { auth } = setup({ app: { ...APP, disabled: true } });
    expect(await attempt(auth, v1Headers('d1'))).toBe('1006 App locked or deleted: this App Key is disabled');
    expect(await attempt(auth, v1Headers('d2', String(NOW / 1000), 'wrong'))).toBe(
      '1004 Signature verification failed: signature mismatch',
    );
  });

  it('accepts a fresh v1 request once', async () => {
    const { auth } = setup();
    expect(await attempt(auth, v1Headers('n1'))).toBe('ok');
    expect(await attempt(auth, v1Headers('n1'))).toBe(
      '1004 Signature verification failed: Nonce already used (send a fresh Nonce with every request)',
    );
  });

  it('refuses timestamps outside ±window, in seconds and milliseconds', async () => {
    const { auth } = setup();
    expect(await attempt(auth, v1Headers('a', String(NOW / 1000 - 301)))).toMatch(/^1004 .*away from the server clock/);
    expect(await attempt(auth, v1Headers('b', String(NOW + 301_000)))).toMatch(/^1004 .*away from the server clock/);
    expect(await attempt(auth, v1Headers('c', String(NOW / 1000 + 300)))).toBe('ok');
    expect(await attempt(auth, v1Headers('d', String(NOW - 300_000)))).toBe('ok');
  });

  it('an unknown App Key gets exactly the wrong-signature answer; the log tells them apart', async () => {
    const { auth, counters } = setup();
    const unknown = await attempt(auth, v1Headers('u', undefined, APP.appSecret, 'nobody'));
    const wrong = await attempt(auth, v1Headers('w', undefined, 'not-the-secret'));
    expect(unknown).toBe('1004 Signature verification failed: signature mismatch');
    expect(unknown).toBe(wrong);
    expect(counters.get('api_signature_refused', 'unknown_app_key')).toBe(1);
    expect(counters.get('api_signature_refused', 'signature_mismatch')).toBe(1);
  });

  it('remembers a nonce only after the signature verified', async () => {
    const { auth } = setup();
    const forged = { ...v1Headers('shared'), signature: '0'.repeat(40) };
    expect(await attempt(auth, forged)).toMatch(/signature mismatch/);
    expect(await attempt(auth, v1Headers('shared'))).toBe('ok');
  });

  it('v2 covers the body; requireV2 refuses v1', async () => {
    const { auth } = setup({ requireV2: true });
    expect(await attempt(auth, v1Headers('x'))).toMatch(/^1004 .*signature version 2 required/);
    const ts = String(NOW / 1000);
    const v2 = {
      'app-key': APP.appKey,
      nonce: 'v2n',
      timestamp: ts,
      'x-opencall-signature-version': '2',
      signature: computeSignatureV2(APP.appSecret, 'v2n', ts, 'POST', '/user/getToken.json', 'userId=a'),
    };
    expect(await attempt(auth, v2, 'userId=b')).toMatch(/signature mismatch/);
    expect(await attempt(auth, v2, 'userId=a')).toBe('ok');
  });

  it('a full nonce store refuses with 1008 (retry later), not by evicting', async () => {
    const { auth, counters } = setup({ capacity: 2 });
    expect(await attempt(auth, v1Headers('1'))).toBe('ok');
    expect(await attempt(auth, v1Headers('2'))).toBe('ok');
    expect(await attempt(auth, v1Headers('3'))).toBe(
      `${ServerApiCode.RATE_LIMITED} Too many requests: replay protection is at capacity, retry later`,
    );
    expect(await attempt(auth, v1Headers('1'))).toMatch(/Nonce already used/);
    expect(counters.get('api_signature_refused', 'nonce_store_full')).toBe(1);
  });

  it('names the missing header, refuses long nonces and unknown versions', async () => {
    const { auth } = setup();
    const { signature: _s, ...noSignature } = v1Headers('m');
    expect(await attempt(auth, noSignature)).toBe('1004 Signature verification failed: Signature header missing');
    expect(await attempt(auth, v1Headers('n'.repeat(65)))).toMatch(/Nonce longer than 64/);
    expect(await attempt(auth, { ...v1Headers('v'), 'rc-signature-version': '7' })).toMatch(/unsupported signature version/);
  });

  it('OPENCALL_API_ALLOW_REUSED_SIGNATURES: v1 headers signed once (Node SDK 3.x) pass again and again, whatever their age; v2 stays single-use', async () => {
    const { auth } = setup({ legacyReusedV1: true });
    const old = v1Headers('init-nonce', String(NOW / 1000 - 86_400));
    expect([await attempt(auth, old), await attempt(auth, old)]).toEqual(['ok', 'ok']);
    expect(await attempt(auth, v1Headers('init-nonce', String(NOW / 1000), 'wrong'))).toMatch(/^1004 /);
    const timestamp = String(NOW / 1000);
    const v2 = {
      'app-key': APP.appKey,
      nonce: 'n2',
      timestamp,
      'x-opencall-signature-version': '2',
      signature: computeSignatureV2(APP.appSecret, 'n2', timestamp, 'POST', '/user/getToken.json', Buffer.from('')),
    };
    expect(await attempt(auth, v2)).toBe('ok');
    expect(await attempt(auth, v2)).toMatch(/Nonce already used/);
  });
});
