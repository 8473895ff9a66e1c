/**
 * Replay and tampering attacks on the server-API signature, performed for real against the server
 * process over loopback: a captured request sent again (serially, concurrently, to another endpoint),
 * stale and future timestamps, and the optional version-2 signature (HMAC-SHA256 over method, path,
 * query and body) with each of those changed. Measured before the fix: a captured request replayed
 * 20 times → 20 accepted; its headers on `/user/block.json` → accepted (the user was banned); a
 * timestamp a day old or a day ahead → accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeForm,
  readReply,
  type ServerProcess,
  type SignedReply,
  signingHeaders,
  signingHeadersV2,
  startServerProcess,
} from '../helpers/server-process.js';

const FORM = 'application/x-www-form-urlencoded';
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

async function post(
  path: string,
  headers: Record<string, string>,
  body: string,
  contentType: string | undefined = FORM,
): Promise<SignedReply> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { ...(contentType === undefined ? {} : { 'Content-Type': contentType }), ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return readReply(response);
}

const nowS = () => Math.floor(Date.now() / 1000);
const v1 = (timestamp?: string) => signingHeaders(server.appKey, server.appSecret, timestamp);
const v2 = (method: string, path: string, body: string, timestamp?: string) =>
  signingHeadersV2(server.appKey, server.appSecret, { method, path, body }, timestamp);
const refused = (detail: string) => ({ status: 401, body: { code: 1004, errorMessage: expect.stringContaining(detail) } });

describe('version 1 (RongCloud) signatures are single-use', () => {
  it('a captured request replayed 20 times → 0 accepted (nonce already used)', async () => {
    const captured = v1();
    expect((await post('/user/getToken.json', captured, 'userId=victim')).body.code).toBe(200);
    const replies: SignedReply[] = [];
    for (let i = 0; i < 20; i++) replies.push(await post('/user/getToken.json', captured, 'userId=victim'));
    expect(replies.filter((r) => r.body.code === 200)).toHaveLength(0);
    for (const reply of replies) expect(reply).toMatchObject(refused('Nonce already used'));
  });

  it('the same fresh headers sent 10 times at once → exactly 1 accepted', async () => {
    const headers = v1();
    const replies = await Promise.all(Array.from({ length: 10 }, () => post('/user/getToken.json', headers, 'userId=racer')));
    expect(replies.filter((r) => r.body.code === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 401 && r.body.code === 1004)).toHaveLength(9);
  });

  it('the captured headers used on another endpoint are refused, and change nothing', async () => {
    const captured = v1();
    expect((await post('/user/getToken.json', captured, 'userId=victim2')).body.code).toBe(200);
    expect(await post('/user/block.json', captured, 'userId=victim2&minute=10')).toMatchObject(refused('Nonce already used'));
    const bans = await server.signedPost('/user/block/query.json', {});
    expect(bans.body.code).toBe(200);
    expect(bans.body.users.map((u: { userId: string }) => u.userId)).not.toContain('victim2');
  });

  it.each([
    ['301 s old (seconds)', () => String(nowS() - 301)],
    ['301 s ahead (seconds)', () => String(nowS() + 301)],
    ['a day old (milliseconds)', () => String(Date.now() - 86_400_000)],
    ['a day ahead (milliseconds)', () => String(Date.now() + 86_400_000)],
  ])('a timestamp %s → refused (outside ±300 s)', async (_name, timestamp) => {
    expect(await post('/user/getToken.json', v1(timestamp()), 'userId=late')).toMatchObject(refused('away from the server clock'));
  });

  it.each([
    ['290 s old (seconds)', () => String(nowS() - 290)],
    ['290 s ahead (milliseconds)', () => String(Date.now() + 290_000)],
  ])('a timestamp %s (inside the window) with a fresh nonce → accepted', async (_name, timestamp) => {
    expect((await post('/user/getToken.json', v1(timestamp()), 'userId=skewed')).body).toMatchObject({ code: 200 });
  });

  it('a fresh nonce per request keeps working, as the official SDKs sign (RC- spelling too)', async () => {
    for (let i = 0; i < 5; i++) {
      const prefixed = Object.fromEntries(Object.entries(v1()).map(([k, v]) => [`RC-${k}`, v]));
      expect((await post('/user/getToken.json', i % 2 ? prefixed : v1(), `userId=sdk${i}`)).body.code).toBe(200);
    }
  });

  it('a nonce longer than 64 characters → refused', async () => {
    const headers = signingHeaders(server.appKey, server.appSecret, undefined, 'n'.repeat(65));
    expect(await post('/user/getToken.json', headers, 'userId=x')).toMatchObject(refused('Nonce longer than 64'));
  });
});

describe('version 2 (HMAC-SHA256 over method, path?query and body)', () => {
  const path = '/user/getToken.json';
  const body = encodeForm({ userId: 'v2user', name: 'V2' });

  it('a correct v2 request → accepted; replayed → refused', async () => {
    const headers = v2('POST', path, body);
    expect((await post(path, headers, body)).body).toMatchObject({ code: 200, userId: 'v2user' });
    expect(await post(path, headers, body)).toMatchObject(refused('Nonce already used'));
  });

  it('RC- spelling of every header, and a JSON body → accepted', async () => {
    const json = JSON.stringify({ userId: 'v2json' });
    const headers = Object.fromEntries(
      Object.entries(v2('POST', path, json)).map(([k, v]) => [
        k === 'X-OpenCall-Signature-Version' ? 'RC-Signature-Version' : `RC-${k}`,
        v,
      ]),
    );
    expect((await post(path, headers, json, 'application/json')).body).toMatchObject({ code: 200, userId: 'v2json' });
  });

  it('an empty body (no Content-Type) is covered too', async () => {
    expect((await post('/user/block/query.json', v2('POST', '/user/block/query.json', ''), '', undefined)).body).toMatchObject({
      code: 200,
    });
    const signedForBody = v2('POST', '/user/block/query.json', 'page=1');
    expect(await post('/user/block/query.json', signedForBody, '', undefined)).toMatchObject(refused('signature mismatch'));
  });

  it.each([
    ['the body changed', () => ({ headers: v2('POST', path, body), path, body: encodeForm({ userId: 'mallory', name: 'V2' }) })],
    ['another endpoint', () => ({ headers: v2('POST', path, body), path: '/user/block.json', body })],
    ['a query string added', () => ({ headers: v2('POST', path, body), path: `${path}?userId=mallory`, body })],
    ['signed for another method', () => ({ headers: v2('PUT', path, body), path, body })],
    [
      'a signature made with the wrong secret',
      () => ({
        headers: signingHeadersV2(server.appKey, 'wrong', { method: 'POST', path, body }),
        path,
        body,
      }),
    ],
    ['a v1 signature labelled v2', () => ({ headers: { ...v1(), 'X-OpenCall-Signature-Version': '2' }, path, body })],
  ])('%s → refused (signature mismatch), nothing done', async (_name, make) => {
    const attempt = make();
    expect(await post(attempt.path, attempt.headers, attempt.body)).toMatchObject(refused('signature mismatch'));
  });

  it('a tampered request does not use up the nonce of the genuine one', async () => {
    const headers = v2('POST', path, body);
    expect(await post(path, headers, encodeForm({ userId: 'mallory' }))).toMatchObject(refused('signature mismatch'));
    expect((await post(path, headers, body)).body).toMatchObject({ code: 200 });
  });

  it('an unknown signature version → refused', async () => {
    expect(await post(path, { ...v1(), 'X-OpenCall-Signature-Version': '3' }, body)).toMatchObject(
      refused('unsupported signature version'),
    );
  });
});

describe('OPENCALL_API_REQUIRE_SIGNATURE_V2=1', () => {
  let strict: ServerProcess;
  beforeAll(async () => {
    strict = await startServerProcess({ env: { OPENCALL_API_REQUIRE_SIGNATURE_V2: '1' } });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it('refuses a valid v1 request and accepts v2', async () => {
    const body = 'userId=strict';
    const send = async (headers: Record<string, string>) =>
      readReply(
        await fetch(`${strict.url}/user/getToken.json`, {
          method: 'POST',
          headers: { 'Content-Type': FORM, ...headers },
          body,
          signal: AbortSignal.timeout(10_000),
        }),
      );
    expect(await send(signingHeaders(strict.appKey, strict.appSecret))).toMatchObject(refused('signature version 2 required'));
    const v2Headers = signingHeadersV2(strict.appKey, strict.appSecret, { method: 'POST', path: '/user/getToken.json', body });
    expect((await send(v2Headers)).body).toMatchObject({ code: 200, userId: 'strict' });
    expect(await strict.getToken('helper-signs-v2')).toEqual(expect.any(String));
  });
});
