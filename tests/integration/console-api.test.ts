/**
 * The console API against the real server process: login (wrong password refused, then locked out),
 * the session cookie (HttpOnly, SameSite=Strict; missing, forged and expired refused), CSRF on every
 * mutating request, the generated password printed once, and the shapes the pages read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const PASSWORD = 'console-test-password-1';
const SESSION_TTL_S = 4;

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the JSON shape.
  body: any;
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  options: { cookie?: string; csrf?: string; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}/console${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body };
}

async function login(base: string, password = PASSWORD): Promise<{ cookie: string; csrf: string; reply: Reply }> {
  const reply = await call(base, 'POST', '/api/login', { body: { password } });
  const setCookie = reply.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', csrf: reply.body?.csrfToken, reply };
}

describe('console API', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({
      env: { OPENCALL_ADMIN_PASSWORD: PASSWORD, OPENCALL_CONSOLE_SESSION_TTL_S: String(SESSION_TTL_S) },
    });
  }, 60_000);
  afterAll(() => server?.stop());

  it('serves the page shell with a strict CSP, and uPlot', async () => {
    const page = await fetch(`${server.url}/console/calls/some-call`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/assets/main.js');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const uplot = await fetch(`${server.url}/console/vendor/uPlot.iife.min.js`);
    expect(uplot.status).toBe(200);
    expect((await uplot.text()).length).toBeGreaterThan(10_000);
  });

  it('logs in with the right password: HttpOnly SameSite=Strict cookie and a CSRF token', async () => {
    const { reply, cookie, csrf } = await login(server.url);
    expect(reply.status).toBe(200);
    const setCookie = reply.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^opencall_console=[^;]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    expect(typeof csrf).toBe('string');
    const session = await call(server.url, 'GET', '/api/session', { cookie });
    expect(session.status).toBe(200);
    expect(session.body.csrfToken).toBe(csrf);
  });

  it('refuses the API without a session, or with a forged one', async () => {
    const none = await call(server.url, 'GET', '/api/apps');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('console.unauthenticated');
    const { cookie } = await login(server.url);
    const forged = `${cookie.slice(0, -3)}${cookie.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const refused = await call(server.url, 'GET', '/api/apps', { cookie: forged });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('console.unauthenticated');
  });

  it('refuses a mutating request without its CSRF token or with another session’s', async () => {
    const a = await login(server.url);
    const b = await login(server.url);
    const body = { appKey: server.appKey, userId: 'csrf-victim' };
    const missing = await call(server.url, 'POST', '/api/users/revoke-tokens', { cookie: a.cookie, body });
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('console.csrf_missing');
    const wrong = await call(server.url, 'POST', '/api/users/revoke-tokens', { cookie: a.cookie, csrf: b.csrf, body });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('console.csrf_invalid');
    const logoutWithout = await call(server.url, 'POST', '/api/logout', { cookie: a.cookie });
    expect(logoutWithout.body.code).toBe('console.csrf_missing');
    const right = await call(server.url, 'POST', '/api/users/revoke-tokens', { cookie: a.cookie, csrf: a.csrf, body });
    expect(right.status).toBe(200);
    expect(right.body.ok).toBe(true);
  });

  it('logs out: the same cookie is refused afterwards', async () => {
    const { cookie, csrf } = await login(server.url);
    const out = await call(server.url, 'POST', '/api/logout', { cookie, csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    const after = await call(server.url, 'GET', '/api/session', { cookie });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'console.unauthenticated', message: 'not logged in (logged out session)' });
  });

  it('answers the shapes the pages read, with clear codes for bad input', async () => {
    const { cookie } = await login(server.url);
    const get = (path: string) => call(server.url, 'GET', path, { cookie });
    const meta = await get('/api/meta');
    expect(meta.body.endReasons['3']).toBe('HANGUP');
    const apps = await get('/api/apps');
    expect(apps.body.defaultAppKey).toBe(server.appKey);
    expect(apps.body.apps.map((a: { appKey: string }) => a.appKey)).toContain(server.appKey);
    const now = Date.now();
    const overview = await get(`/api/overview?appKey=${server.appKey}&from=${now - 3600_000}&to=${now}`);
    expect(overview.status).toBe(200);
    expect(overview.body.live).toEqual({ calls: 0, users: 0, devices: 0 });
    if (meta.body.parts.queries)
      expect(Object.keys(overview.body.stored).sort()).toEqual(['callsPerMinute', 'endReasons', 'qualityBands', 'setupMs']);
    else expect(overview.body.stored).toBeUndefined();
    const badRange = await get(`/api/overview?appKey=${server.appKey}&from=${now}&to=${now - 1}`);
    expect(badRange.status).toBe(400);
    expect(badRange.body.code).toBe('console.param_error');
    const badKey = await get('/api/live?appKey=bad%20key');
    expect(badKey.body).toMatchObject({ code: 'console.param_error' });
    expect(badKey.body.message).toContain('appKey');
    expect((await get(`/api/live?appKey=${server.appKey}`)).body).toEqual({ calls: [] });
    await server.getToken('console-user-1');
    const user = await get(`/api/users?appKey=${server.appKey}&userId=console-user-1`);
    expect(user.body).toMatchObject({ userId: 'console-user-1', online: false, devices: [], bannedUntil: null, groups: [] });
    const unknownUser = await get(`/api/users?appKey=${server.appKey}&userId=nobody-here`);
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.body.code).toBe('console.not_found');
    const unknownRoute = await get('/api/nothing');
    expect(unknownRoute.body.code).toBe('console.not_found');
    const records = await get(`/api/calls?appKey=${server.appKey}`);
    expect(records.body).toEqual({ total: 0, calls: [] });
    expect((await get(`/api/calls?appKey=${server.appKey}&endReason=104&userId=nobody`)).body).toEqual({ total: 0, calls: [] });
    const badReason = await get(`/api/calls?appKey=${server.appKey}&endReason=99`);
    expect(badReason.body).toEqual({ code: 'console.param_error', message: 'endReason: is not an RCCallEndReason code' });
    const usage = await get(`/api/usage?appKey=${server.appKey}&fromDay=2026-01-01&toDay=2026-01-02`);
    expect(usage.body.days).toHaveLength(2);
    expect(usage.body.days[0]).toMatchObject({ day: '2026-01-01', calls: 0, peakConcurrentCalls: 0 });
    const badDay = await get(`/api/usage?appKey=${server.appKey}&fromDay=2026-1-1&toDay=2026-01-02`);
    expect(badDay.body).toMatchObject({ code: 'console.param_error' });
    const deliveries = await get(`/api/deliveries?appKey=${server.appKey}`);
    expect(deliveries.body).toEqual({ total: 0, rows: [] });
  });

  it('bans and unbans a user through the same store as the server API', async () => {
    const { cookie, csrf } = await login(server.url);
    await server.getToken('console-user-2');
    const ban = await call(server.url, 'POST', '/api/users/ban', {
      cookie,
      csrf,
      body: { appKey: server.appKey, userId: 'console-user-2', minutes: 5 },
    });
    expect(ban.status).toBe(200);
    const query = await server.signedPost('/user/block/query.json', {});
    expect(query.body.users.map((u: { userId: string }) => u.userId)).toContain('console-user-2');
    const user = await call(server.url, 'GET', `/api/users?appKey=${server.appKey}&userId=console-user-2`, { cookie });
    expect(user.body.bannedUntil).toBeGreaterThan(Date.now());
    await call(server.url, 'POST', '/api/users/unban', { cookie, csrf, body: { appKey: server.appKey, userId: 'console-user-2' } });
    const after = await server.signedPost('/user/block/query.json', {});
    expect(after.body.users.map((u: { userId: string }) => u.userId)).not.toContain('console-user-2');
  });

  it('manages apps: create (secrets shown once), rotate, services, disable, callbacks', async () => {
    const { cookie, csrf } = await login(server.url);
    const post = (path: string, body: unknown) => call(server.url, 'POST', path, { cookie, csrf, body });
    const created = await post('/api/apps', { name: 'console-made' });
    expect(created.status).toBe(200);
    const devKey: string = created.body.development.appKey;
    expect(created.body.production.appSecret).toEqual(expect.any(String));
    const listed = async () =>
      (await call(server.url, 'GET', '/api/apps', { cookie })).body.apps.find((a: { appKey: string }) => a.appKey === devKey);
    expect(await listed()).toMatchObject({ name: 'console-made', environment: 'development', disabled: false });
    expect(JSON.stringify((await call(server.url, 'GET', '/api/apps', { cookie })).body)).not.toContain(created.body.development.appSecret);
    const rotated = await post('/api/apps/rotate-secret', { appKey: devKey, graceMinutes: 10 });
    expect(rotated.body.appSecret).not.toBe(created.body.development.appSecret);
    expect(rotated.body.previousValidUntil).toBeGreaterThan(Date.now());
    expect((await post('/api/apps/services', { appKey: devKey, audio: false })).status).toBe(200);
    expect((await post('/api/apps/disabled', { appKey: devKey, disabled: true })).status).toBe(200);
    expect((await post('/api/apps/callbacks', { appKey: devKey, webhookUrl: 'https://hooks.example.com/opencall' })).status).toBe(200);
    expect(await listed()).toMatchObject({
      audioCallEnabled: false,
      videoCallEnabled: true,
      disabled: true,
      webhookUrl: 'https://hooks.example.com/opencall',
    });
    const badUrl = await post('/api/apps/callbacks', { appKey: devKey, webhookUrl: 'ftp://x' });
    expect(badUrl.body).toMatchObject({ code: 'console.param_error' });
    const privateUrl = await post('/api/apps/callbacks', { appKey: devKey, webhookUrl: 'http://127.0.0.1:9/hook' });
    expect(privateUrl.body).toMatchObject({ code: 'console.param_error' });
    const unknown = await post('/api/apps/rotate-secret', { appKey: 'no-such-app', graceMinutes: 1 });
    expect(unknown.body.code).toBe('console.not_found');
    const replay = await post('/api/deliveries/replay', { id: 'no-such-delivery' });
    expect(replay.body.code).toBe('console.not_found');
  });

  it('refuses an expired session', async () => {
    const { cookie } = await login(server.url);
    await new Promise((resolve) => setTimeout(resolve, SESSION_TTL_S * 1000 + 500));
    const expired = await call(server.url, 'GET', '/api/apps', { cookie });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('console.session_expired');
  }, 15_000);

  // Last: it locks this address out.
  it('refuses a wrong password, then locks the address out (even the right password) with Retry-After', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await login(server.url, `wrong-${i}`)).reply.body.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('console.bad_password'));
    expect(codes[5]).toBe('console.login_locked');
    const locked = await login(server.url);
    expect(locked.reply.status).toBe(429);
    expect(locked.reply.body.code).toBe('console.login_locked');
    expect(Number(locked.reply.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('console password when OPENCALL_ADMIN_PASSWORD is unset', () => {
  it('is generated, printed once, and accepted', async () => {
    const server = await startServerProcess({ env: { OPENCALL_ADMIN_PASSWORD: '' } });
    try {
      const printed = /Password: (\S+)/.exec(server.logs())?.[1];
      expect(printed).toBeDefined();
      expect(server.logs().split(printed ?? '').length - 1).toBe(1);
      expect((await login(server.url, 'not-it')).reply.body.code).toBe('console.bad_password');
      expect((await login(server.url, printed)).reply.status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
