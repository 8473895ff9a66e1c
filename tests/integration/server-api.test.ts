/** The RongCloud-style server API and static routes, against the real server process (dev helpers: dev-helpers.test.ts). */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm, freshNonce, readReply, type ServerProcess, signingHeaders, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

/** POST with explicit headers (for signature edge cases). */
async function post(path: string, headers: Record<string, string>, body: string, contentType = 'application/x-www-form-urlencoded') {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return readReply(response);
}

function sign(nonce: string, timestamp: string, secret = server.appSecret): string {
  return createHash('sha1')
    .update(secret + nonce + timestamp)
    .digest('hex');
}

describe('server API signing', () => {
  it('getToken happy path returns userId and a token', async () => {
    const reply = await server.signedPost('/user/getToken.json', { userId: 'alice', name: 'Alice', portraitUri: 'http://x/a.png' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ code: 200, userId: 'alice', token: expect.any(String) });
    expect(Buffer.byteLength(reply.body.token)).toBeLessThanOrEqual(256);
  });

  it.each([
    ['plain headers, seconds', '', String(Math.floor(Date.now() / 1000))],
    ['plain headers, milliseconds', '', String(Date.now())],
    ['RC- headers, seconds', 'RC-', String(Math.floor(Date.now() / 1000))],
    ['RC- headers, milliseconds', 'RC-', String(Date.now())],
  ])('accepts %s', async (_name, prefix, timestamp) => {
    const nonce = freshNonce();
    const headers = {
      [`${prefix}App-Key`]: server.appKey,
      [`${prefix}Nonce`]: nonce,
      [`${prefix}Timestamp`]: timestamp,
      [`${prefix}Signature`]: sign(nonce, timestamp),
    };
    const reply = await post('/user/getToken.json', headers, 'userId=bob');
    expect(reply).toMatchObject({ status: 200, body: { code: 200, userId: 'bob' } });
  });

  it('compares the signature case-insensitively', async () => {
    const headers = signingHeaders(server.appKey, server.appSecret);
    headers.Signature = headers.Signature!.toUpperCase();
    expect((await post('/user/getToken.json', headers, 'userId=carol')).body.code).toBe(200);
  });

  it('bad signature → 401 / 1004', async () => {
    const reply = await post('/user/getToken.json', signingHeaders(server.appKey, 'wrong-secret'), 'userId=alice');
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ code: 1004, errorMessage: expect.any(String) });
  });

  it('missing signature headers → 401 / 1004', async () => {
    const reply = await post('/user/getToken.json', {}, 'userId=alice');
    expect(reply).toMatchObject({ status: 401, body: { code: 1004 } });
  });

  it('unknown App-Key → the same 401 / 1004 answer as a bad signature', async () => {
    const unknown = await post('/user/getToken.json', signingHeaders('unknownapp000', server.appSecret), 'userId=alice');
    const wrong = await post('/user/getToken.json', signingHeaders(server.appKey, 'wrong-secret'), 'userId=alice');
    expect(unknown).toEqual({ status: 401, body: { code: 1004, errorMessage: 'Signature verification failed: signature mismatch' } });
    expect(unknown).toEqual(wrong);
  });

  it('accepts a JSON body', async () => {
    const headers = signingHeaders(server.appKey, server.appSecret);
    const reply = await post('/user/getToken.json', headers, JSON.stringify({ userId: 'dave' }), 'application/json');
    expect(reply.body).toMatchObject({ code: 200, userId: 'dave' });
  });
});

describe('server API validation', () => {
  it.each([
    ['missing userId', '/user/getToken.json', { name: 'x' }, 'userId'],
    ['invalid userId', '/user/getToken.json', { userId: 'bad id!' }, 'userId'],
    ['too long name', '/user/getToken.json', { userId: 'ok', name: 'n'.repeat(65) }, 'name'],
    ['missing groupId', '/group/create.json', { userId: ['a', 'b'] }, 'groupId'],
    ['repeated groupId', '/group/create.json', { userId: 'a', groupId: ['g1', 'g2'] }, 'groupId'],
    ['expire without time', '/user/token/expire.json', { userId: 'a' }, 'time'],
    ['expire with 21 users', '/user/token/expire.json', { userId: Array.from({ length: 21 }, (_, i) => `u${i}`), time: '1' }, 'userId'],
  ])('%s → 400 / 1002 naming the field', async (_name, path, form, field) => {
    const reply = await server.signedPost(path, form);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(1002);
    expect(reply.body.errorMessage).toContain(field);
  });

  it('empty body → 400 / 1003', async () => {
    const reply = await server.signedPost('/group/create.json', {});
    expect(reply).toMatchObject({ status: 400, body: { code: 1003 } });
  });

  it('invalid JSON → 400 / 1002', async () => {
    const headers = signingHeaders(server.appKey, server.appSecret);
    const reply = await post('/user/getToken.json', headers, '{"userId":', 'application/json');
    expect(reply).toMatchObject({ status: 400, body: { code: 1002 } });
  });

  it('body over 100 KB → 413 / 1508', async () => {
    const reply = await server.signedPost('/user/getToken.json', { userId: 'alice', name: 'x'.repeat(110 * 1024) });
    expect(reply).toMatchObject({ status: 413, body: { code: 1508 } });
  });

  it('unknown path → 404 envelope; GET on an API path → 404', async () => {
    expect(await server.signedPost('/user/nothing.json', { userId: 'a' })).toMatchObject({ status: 404, body: { code: 404 } });
    const reply = await readReply(await fetch(`${server.url}/user/getToken.json`));
    expect(reply).toMatchObject({ status: 404, body: { code: 404 } });
  });

  it('rejected input leaves groups unchanged', async () => {
    await server.signedPost('/group/create.json', { userId: ['keep1'], groupId: 'stable' });
    await server.signedPost('/group/join.json', { userId: ['ok', 'bad id!'], groupId: 'stable' });
    const reply = await server.signedPost('/group/user/query.json', { groupId: 'stable' });
    expect(reply.body.users).toEqual([{ id: 'keep1' }]);
  });
});

describe('group endpoints', () => {
  it('create with repeated userId, join, quit, query, dismiss', async () => {
    const query = async () => (await server.signedPost('/group/user/query.json', { groupId: 'g1' })).body;

    expect(await server.signedPost('/group/create.json', { userId: ['u1', 'u2'], groupId: 'g1', groupName: 'Group' })).toEqual({
      status: 200,
      body: { code: 200 },
    });
    expect(await query()).toEqual({ code: 200, users: [{ id: 'u1' }, { id: 'u2' }], members: [{ id: 'u1' }, { id: 'u2' }] });

    expect((await server.signedPost('/group/join.json', { userId: ['u3'], groupId: 'g1' })).body).toEqual({ code: 200 });
    expect((await query()).users.map((u: { id: string }) => u.id).sort()).toEqual(['u1', 'u2', 'u3']);

    expect((await server.signedPost('/group/quit.json', { userId: ['u1', 'u3'], groupId: 'g1' })).body).toEqual({ code: 200 });
    expect((await query()).users).toEqual([{ id: 'u2' }]);

    expect((await server.signedPost('/group/dismiss.json', { userId: 'u2', groupId: 'g1' })).body).toEqual({ code: 200 });
    expect(await query()).toEqual({ code: 200, users: [], members: [] });
  });

  it('the raw form with repeated keys is accepted as-is', async () => {
    const headers = signingHeaders(server.appKey, server.appSecret);
    const reply = await post('/group/create.json', headers, 'userId=1&userId=2&groupId=123&groupName=TestGroup');
    expect(reply.body).toEqual({ code: 200 });
    const members = await server.signedPost('/group/user/query.json', { groupId: '123' });
    expect(members.body.users).toEqual([{ id: '1' }, { id: '2' }]);
  });
});

describe('token expiry', () => {
  it.each([
    ['milliseconds', () => String(Date.now())],
    ['seconds', () => String(Math.floor(Date.now() / 1000))],
  ])('accepts time in %s', async (_name, time) => {
    await server.getToken('expiring');
    const reply = await server.signedPost('/user/token/expire.json', { userId: ['expiring', 'other'], time: time() });
    expect(reply).toEqual({ status: 200, body: { code: 200 } });
  });

  it('a token can still be issued after expiry', async () => {
    await server.signedPost('/user/token/expire.json', { userId: 'again', time: String(Date.now()) });
    expect(await server.getToken('again')).toEqual(expect.any(String));
  });
});

describe('plain HTTP routes', () => {
  it('/healthz → {ok:true}', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('GET / serves the demo page (404 envelope only if the demo is missing)', async () => {
    const response = await fetch(`${server.url}/`);
    if (existsSync(resolve(import.meta.dirname, '../../apps/demo/public/index.html'))) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
    } else {
      expect(response.status).toBe(404);
    }
    await response.arrayBuffer();
  });

  it('SDK bundles answer 200 with JavaScript, or a clear 404 when not built', async () => {
    const response = await fetch(`${server.url}/sdk/RCCall.js`);
    if (response.status === 200) {
      expect(response.headers.get('content-type')).toContain('application/javascript');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    } else {
      expect(response.status).toBe(404);
      expect((await response.json()).errorMessage).toContain('npm run build');
    }
  });
});

describe('logging', () => {
  it('never writes the app secret or issued tokens to the log', async () => {
    const token = await server.getToken('logcheck');
    expect(server.logs()).toContain('listening');
    expect(server.logs()).not.toContain(server.appSecret);
    expect(server.logs()).not.toContain(token);
  });
});

describe('encodeForm', () => {
  it('repeats keys for arrays', () => {
    expect(encodeForm({ userId: ['a', 'b'], groupId: 'g' })).toBe('userId=a&userId=b&groupId=g');
  });
});
