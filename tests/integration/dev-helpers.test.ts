/**
 * The development helpers (`GET /dev/token`, `POST /debug/heap*`) against the real server process:
 * off unless asked for, never in production, and refused (403) to anything that looks proxied or
 * not local — proxy headers, a foreign `Host` or `Origin`.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHeadless } from '../helpers/headless-client.js';
import { readReply, type ServerProcess, startServerProcess } from '../helpers/server-process.js';

interface RawReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the JSON shape.
  body: any;
}

/** A request with exactly these headers (fetch would not let a test set `Host`). */
function raw(base: string, method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}): Promise<RawReply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const ROUTES = [
  ['GET', '/dev/token?userId=devuser'],
  ['GET', '/dev/users'],
  ['GET', '/dev/user?userId=devuser'],
  ['POST', '/debug/heap'],
] as const;

const PROXY_HEADERS: Record<string, string>[] = [
  { Forwarded: 'for=203.0.113.7;proto=https' },
  { 'X-Forwarded-For': '203.0.113.7' },
  { 'X-Real-IP': '203.0.113.7' },
  { 'X-Forwarded-Host': 'opencall.example.com' },
];

const FOREIGN_HOSTS = [
  'opencall.example.com',
  'opencall.example.com:8080',
  '10.0.0.5:8080',
  'localhost.example.com',
  '[::2]:80',
  '128.0.0.1',
];

describe('off by default', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 404 to /dev/token and /debug/heap, and prints no banner', async () => {
    for (const [method, path] of ROUTES) {
      expect(await raw(server.url, method, path)).toMatchObject({ status: 404, body: { code: 404 } });
    }
    expect(server.logs()).not.toMatch(/dev token helper is ON/i);
  });
});

describe('on with OPENCALL_DEV_TOKENS=1 and OPENCALL_DEBUG_HEAP=1', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { OPENCALL_DEV_TOKENS: '1', OPENCALL_DEBUG_HEAP: '1' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('issues a token for the default app, and prints the warning banner', async () => {
    const reply = await readReply(await fetch(`${server.url}/dev/token?userId=devuser&name=Dev`));
    expect(reply).toEqual({ status: 200, body: { code: 200, appKey: server.appKey, userId: 'devuser', token: expect.any(String) } });
    expect(server.logs()).toMatch(/dev token helper is ON/i);
    expect(server.logs()).toMatch(/never expose/i);
  });

  it('demo helpers: /dev/users lists connected users with names, /dev/user a profile, /dev/group makes a group', async () => {
    const token = (await readReply(await fetch(`${server.url}/dev/token?userId=ck-online&name=Online`))).body.token as string;
    const client = await connectHeadless(server.url, server.appKey, 'ck-online', token, 'ck-online-dev');
    try {
      const users = await readReply(await fetch(`${server.url}/dev/users`));
      expect(users.status).toBe(200);
      expect(users.body.users).toContainEqual({ userId: 'ck-online', name: 'Online' });
      expect(await readReply(await fetch(`${server.url}/dev/user?userId=ck-online`))).toEqual({
        status: 200,
        body: { code: 200, userId: 'ck-online', name: 'Online' },
      });
      const post = (body: unknown) =>
        fetch(`${server.url}/dev/group`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(readReply);
      const created = await post({ groupId: 'ck-g', name: 'Team', userIds: ['ck-online', 'ck-b'] });
      expect(created).toMatchObject({ status: 200, body: { code: 200, groupId: 'ck-g' } });
      expect([...created.body.members].sort()).toEqual(['ck-b', 'ck-online']);
      expect([...(await post({ groupId: 'ck-g', userIds: ['ck-c'] })).body.members].sort()).toEqual(['ck-b', 'ck-c', 'ck-online']);
      expect(await post({ groupId: 'ck-g', userIds: [] })).toMatchObject({ status: 400, body: { code: 1002 } });
      expect(await post({ userIds: ['x'] })).toMatchObject({
        status: 400,
        body: { code: 1002, errorMessage: expect.stringContaining('groupId') },
      });
    } finally {
      await client.disconnect();
    }
    // Gone from the list once the server has seen the socket close.
    await expect
      .poll(async () => (await readReply(await fetch(`${server.url}/dev/users`))).body.users.map((u: { userId: string }) => u.userId), {
        timeout: 5000,
      })
      .not.toContain('ck-online');
    expect(await readReply(await fetch(`${server.url}/dev/user?userId=${encodeURIComponent('bad id')}`))).toMatchObject({ status: 400 });
  });

  it('validates userId', async () => {
    expect(await readReply(await fetch(`${server.url}/dev/token`))).toMatchObject({ status: 400, body: { code: 1002 } });
    const bad = await readReply(await fetch(`${server.url}/dev/token?userId=${encodeURIComponent('no spaces')}`));
    expect(bad).toMatchObject({ status: 400, body: { code: 1002 } });
  });

  it('answers loopback Host headers: localhost, 127.x.x.x and [::1], with or without a port', async () => {
    const port = new URL(server.url).port;
    for (const host of ['localhost', `localhost:${port}`, '127.0.0.1', `127.0.0.1:${port}`, '127.9.8.7', '[::1]', `[::1]:${port}`]) {
      for (const [method, path] of ROUTES) {
        expect({ host, ...(await raw(server.url, method, path, { Host: host })) }).toMatchObject({ host, status: 200 });
      }
    }
  });

  it.each(PROXY_HEADERS)('refuses a request carrying %o with 403 and a JSON reason', async (header) => {
    const name = Object.keys(header)[0]!;
    for (const [method, path] of ROUTES) {
      const reply = await raw(server.url, method, path, header);
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual({ code: 403, errorMessage: expect.stringContaining(name.toLowerCase()) });
    }
  });

  it.each(FOREIGN_HOSTS)('refuses Host: %s with 403', async (host) => {
    for (const [method, path] of ROUTES) {
      const reply = await raw(server.url, method, path, { Host: host });
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual({ code: 403, errorMessage: expect.stringContaining('Host') });
    }
  });

  it('refuses a cross-site Origin (a page elsewhere driving the browser of a developer)', async () => {
    for (const [method, path] of ROUTES) {
      const reply = await raw(server.url, method, path, { Origin: 'https://evil.example.com' });
      expect(reply).toMatchObject({ status: 403, body: { code: 403, errorMessage: expect.stringContaining('Origin') } });
    }
    const local = await raw(server.url, 'GET', ROUTES[0][1], { Origin: new URL(server.url).origin });
    expect(local.status).toBe(200);
  });
});

describe('production', () => {
  it('NODE_ENV=Production (any case) refuses to turn them on even when asked, and says why', async () => {
    for (const nodeEnv of ['Production', 'PRODUCTION']) {
      const production = await startServerProcess({ env: { NODE_ENV: nodeEnv, OPENCALL_DEV_TOKENS: '1', OPENCALL_DEBUG_HEAP: '1' } });
      try {
        for (const [method, path] of ROUTES) {
          expect(await raw(production.url, method, path)).toMatchObject({ status: 404, body: { code: 404 } });
        }
        expect(production.logs()).toMatch(/OPENCALL_DEV_TOKENS=1 ignored: NODE_ENV is production/);
        expect(production.logs()).toMatch(/OPENCALL_DEBUG_HEAP=1 ignored: NODE_ENV is production/);
        expect(production.logs()).not.toMatch(/dev token helper is ON/i);
        expect(await production.getToken('alice')).toEqual(expect.any(String));
      } finally {
        await production.stop();
      }
    }
  });
});
