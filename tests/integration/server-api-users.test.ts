/**
 * User moderation endpoints (blacklist / blocklist, bans), the app call-service switch and the
 * server-API rate limit, against the real server process and its IM WebSocket.
 */
import { ErrorCode, PROTOCOL_VERSION, ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeForm, readReply, type ServerProcess, signingHeaders, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

/** Opens a raw IM WebSocket, says hello with a fresh token and returns the first reply frame. */
async function hello(userId: string): Promise<Record<string, unknown>> {
  const token = await server.getToken(userId);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  try {
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply to hello within 5 s')), 5000);
      ws.once('error', reject);
      ws.once('open', () =>
        ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token, deviceId: `${userId}-d` })),
      );
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Record<string, unknown>;
        if (frame.t === 'welcome' || frame.t === 'refused') {
          clearTimeout(timer);
          resolve(frame);
        }
      });
    });
  } finally {
    ws.terminate();
  }
}

describe('blacklist', () => {
  it.each(['blacklist', 'blocklist'])('/user/%s add → query → remove', async (spelling) => {
    const owner = `owner-${spelling}`;
    expect(await server.signedPost(`/user/${spelling}/add.json`, { userId: owner, blackUserId: ['b1', 'b2'] })).toEqual({
      status: 200,
      body: { code: 200 },
    });
    expect((await server.signedPost(`/user/${spelling}/query.json`, { userId: owner })).body).toEqual({ code: 200, users: ['b1', 'b2'] });
    expect((await server.signedPost(`/user/${spelling}/remove.json`, { userId: owner, blackUserId: 'b1' })).body).toEqual({ code: 200 });
    expect((await server.signedPost(`/user/${spelling}/query.json`, { userId: owner })).body).toEqual({ code: 200, users: ['b2'] });
  });

  it('pages with size and pageToken; next only when another page exists', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `p${i}`);
    await server.signedPost('/user/blacklist/add.json', { userId: 'pager', blackUserId: ids });
    const seen: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const form: Record<string, string> = { userId: 'pager', size: '3', ...(pageToken ? { pageToken } : {}) };
      const { body } = await server.signedPost('/user/blacklist/query.json', form);
      expect(body.code).toBe(200);
      seen.push(...body.users);
      if (body.next === undefined) break;
      pageToken = body.next;
    }
    expect(seen).toEqual(ids);
  });

  it.each([
    ['/user/blacklist/add.json', { userId: 'bad' }],
    ['/user/blocklist/add.json', { userId: 'bad', blackUserId: Array.from({ length: 21 }, (_, i) => `x${i}`) }],
    ['/user/blacklist/add.json', { userId: 'bad', blackUserId: 'has space' }],
    ['/user/blacklist/query.json', { userId: 'bad', size: '1001' }],
  ])('%s with bad params → 400 / 1002 and nothing stored', async (path, form) => {
    const reply = await server.signedPost(path, form);
    expect(reply).toMatchObject({ status: 400, body: { code: ServerApiCode.PARAM_ERROR } });
    expect((await server.signedPost('/user/blacklist/query.json', { userId: 'bad' })).body).toEqual({ code: 200, users: [] });
  });
});

describe('bans', () => {
  it('block → connect refused with 31009 and listed; unblock → connect works', async () => {
    expect((await hello('banme')).t).toBe('welcome');
    expect((await server.signedPost('/user/block.json', { userId: ['banme', 'banme2'], minute: '5' })).body).toEqual({ code: 200 });
    expect(await hello('banme')).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_USER_BLOCKED });

    const { body } = await server.signedPost('/user/block/query.json', {});
    expect(body.code).toBe(200);
    const listed = body.users.find((u: { userId: string }) => u.userId === 'banme');
    expect(listed.blockEndTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const endMs = Date.parse(`${listed.blockEndTime.replace(' ', 'T')}Z`);
    expect(endMs - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(endMs - Date.now()).toBeLessThanOrEqual(5 * 60_000);

    const paged = await server.signedPost('/user/block/query.json', { page: '1', size: '1' });
    expect(paged.body.users).toHaveLength(1);

    expect((await server.signedPost('/user/unblock.json', { userId: 'banme' })).body).toEqual({ code: 200 });
    expect((await hello('banme')).t).toBe('welcome');
    expect(await hello('banme2')).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_USER_BLOCKED });
  });

  it.each([
    [{ userId: 'nb', minute: '0' }],
    [{ userId: 'nb', minute: '43201' }],
    [{ userId: 'nb' }],
    [{ userId: Array.from({ length: 21 }, (_, i) => `nb${i}`), minute: '1' }],
  ])('block with bad params %j → 1002 and no ban stored', async (form) => {
    expect(await server.signedPost('/user/block.json', form)).toMatchObject({ status: 400, body: { code: ServerApiCode.PARAM_ERROR } });
    const { body } = await server.signedPost('/user/block/query.json', {});
    expect(body.users.map((u: { userId: string }) => u.userId)).not.toContain('nb');
    expect((await hello('nb')).t).toBe('welcome');
  });

  it('unblock without userId → 1002', async () => {
    expect((await server.signedPost('/user/unblock.json', { minute: '1' })).body).toMatchObject({ code: ServerApiCode.PARAM_ERROR });
  });
});

describe('/opencall/app/service.json', () => {
  it('switches the call services and reports both', async () => {
    expect((await server.signedPost('/opencall/app/service.json', { video: '0' })).body).toEqual({ code: 200, audio: 1, video: 0 });
    expect((await server.signedPost('/opencall/app/service.json', { audio: '0', video: '1' })).body).toEqual({
      code: 200,
      audio: 0,
      video: 1,
    });
    expect((await server.signedPost('/opencall/app/service.json', { audio: '1' })).body).toEqual({ code: 200, audio: 1, video: 1 });
  });

  it('bad values → 1002 and nothing changes', async () => {
    expect((await server.signedPost('/opencall/app/service.json', { audio: '2' })).body).toMatchObject({ code: ServerApiCode.PARAM_ERROR });
    expect((await server.signedPost('/opencall/app/service.json', { other: '1' })).body).toMatchObject({ code: ServerApiCode.PARAM_ERROR });
    expect((await server.signedPost('/opencall/app/service.json', { audio: '1' })).body).toEqual({ code: 200, audio: 1, video: 1 });
  });

  it('refuses an unsigned request', async () => {
    const response = await fetch(`${server.url}/opencall/app/service.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'audio=0',
      signal: AbortSignal.timeout(10_000),
    });
    expect(await readReply(response)).toMatchObject({ status: 401, body: { code: ServerApiCode.SIGNATURE_FAILED } });
  });
});

describe('rate limit', () => {
  it('a burst past OPENCALL_API_RATE_PER_SEC → 429 / 1008, refused requests change nothing', async () => {
    const limited = await startServerProcess({ env: { OPENCALL_API_RATE_PER_SEC: '5' } });
    try {
      const burst = 30;
      const replies = await Promise.all(
        Array.from({ length: burst }, async (_, i) => {
          const response = await fetch(`${limited.url}/user/blacklist/add.json`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...signingHeaders(limited.appKey, limited.appSecret) },
            body: encodeForm({ userId: 'burst', blackUserId: `t${i}` }),
            signal: AbortSignal.timeout(10_000),
          });
          return { i, ...(await readReply(response)) };
        }),
      );
      const ok = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status === 429);
      expect(ok.length + refused.length).toBe(burst);
      expect(ok.length).toBeGreaterThanOrEqual(5);
      expect(ok.length).toBeLessThan(burst);
      for (const r of refused) expect(r.body).toMatchObject({ code: ServerApiCode.RATE_LIMITED, errorMessage: expect.any(String) });

      // Wait (bounded) for the bucket to refill, then check exactly the accepted ones were stored.
      let stored: string[] | undefined;
      for (let attempt = 0; attempt < 20 && stored === undefined; attempt++) {
        await new Promise((r) => setTimeout(r, 250));
        const reply = await limited.signedPost('/user/blacklist/query.json', { userId: 'burst' });
        if (reply.status === 200) stored = reply.body.users;
      }
      expect([...(stored ?? [])].sort()).toEqual(ok.map((r) => `t${r.i}`).sort());
    } finally {
      await limited.stop();
    }
  });
});
