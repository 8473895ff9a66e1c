/**
 * Server-API user profile and presence (`/user/info.json`, `/user/refresh.json`,
 * `/user/checkOnline.json`) and the group endpoints a backend syncs with, against the real server.
 */
import { PROTOCOL_VERSION, ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { readReply, type ServerProcess, signingHeaders, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

/** A raw IM WebSocket that said hello and got its welcome; close it when done. */
async function connectDevice(userId: string): Promise<WebSocket> {
  const token = await server.getToken(userId);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no welcome within 5 s')), 5000);
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token, deviceId: `${userId}-d` })),
    );
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string };
      if (frame.t !== 'welcome' && frame.t !== 'refused') return;
      clearTimeout(timer);
      if (frame.t === 'welcome') resolve();
      else reject(new Error(`refused: ${String(data)}`));
    });
  });
  return ws;
}

/** Polls `/user/checkOnline.json` until it says `want` (bounded: 50 × 100 ms). */
async function awaitOnlineStatus(userId: string, want: '0' | '1'): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { body } = await server.signedPost('/user/checkOnline.json', { userId });
    if (body.status === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${userId} never became status ${want}`);
}

describe('/user/info.json and /user/refresh.json', () => {
  it('info returns the name, portrait and creation time given at getToken; refresh changes them', async () => {
    const before = Date.now();
    await server.signedPost('/user/getToken.json', { userId: 'prof1', name: 'Ann', portraitUri: 'https://img.test/a.png' });
    const info = await server.signedPost('/user/info.json', { userId: 'prof1' });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ code: 200, userName: 'Ann', userPortrait: 'https://img.test/a.png' });
    expect(info.body.createTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const created = Date.parse(`${info.body.createTime.replace(' ', 'T')}Z`);
    expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(created).toBeLessThanOrEqual(Date.now());

    expect(await server.signedPost('/user/refresh.json', { userId: 'prof1', name: 'Annie' })).toEqual({ status: 200, body: { code: 200 } });
    expect((await server.signedPost('/user/info.json', { userId: 'prof1' })).body).toMatchObject({
      userName: 'Annie',
      userPortrait: 'https://img.test/a.png',
      createTime: info.body.createTime,
    });
    await server.signedPost('/user/refresh.json', { userId: 'prof1', portraitUri: 'https://img.test/b.png' });
    expect((await server.signedPost('/user/info.json', { userId: 'prof1' })).body).toMatchObject({
      userName: 'Annie',
      userPortrait: 'https://img.test/b.png',
    });
  });

  it.each([
    ['/user/info.json', {}, ServerApiCode.NO_POST_DATA],
    ['/user/info.json', { userId: 'has space' }, ServerApiCode.PARAM_ERROR],
    ['/user/info.json', { userId: 'never-registered' }, ServerApiCode.PARAM_ERROR],
    ['/user/refresh.json', { name: 'x' }, ServerApiCode.PARAM_ERROR],
    ['/user/refresh.json', { userId: 'never-registered', name: 'x' }, ServerApiCode.PARAM_ERROR],
    ['/user/refresh.json', { userId: 'prof2', name: 'n'.repeat(65) }, ServerApiCode.PARAM_ERROR],
  ])('%s %j → 400 / %i, nothing changed', async (path, form, code) => {
    await server.signedPost('/user/getToken.json', { userId: 'prof2', name: 'Bob' });
    expect(await server.signedPost(path, form)).toMatchObject({ status: 400, body: { code } });
    expect((await server.signedPost('/user/info.json', { userId: 'prof2' })).body.userName).toBe('Bob');
    expect((await server.signedPost('/user/info.json', { userId: 'never-registered' })).body.code).toBe(ServerApiCode.PARAM_ERROR);
  });
});

describe('/user/checkOnline.json', () => {
  it('"1" while a device is connected, "0" before and after', async () => {
    expect(await server.signedPost('/user/checkOnline.json', { userId: 'onl1' })).toEqual({
      status: 200,
      body: { code: 200, status: '0' },
    });
    const ws = await connectDevice('onl1');
    try {
      expect((await server.signedPost('/user/checkOnline.json', { userId: 'onl1' })).body).toEqual({ code: 200, status: '1' });
    } finally {
      ws.close();
    }
    await awaitOnlineStatus('onl1', '0');
  });

  it.each([[{}], [{ userId: '' }], [{ userId: 'bad/id' }]])('bad body %j → 400', async (form) => {
    const reply = await server.signedPost('/user/checkOnline.json', form);
    expect(reply.status).toBe(400);
    expect([ServerApiCode.PARAM_ERROR, ServerApiCode.NO_POST_DATA]).toContain(reply.body.code);
  });
});

/** The user's groups as `/user/group/query.json` lists them (unpaged). */
async function groupsOf(userId: string): Promise<{ id: string; name: string }[]> {
  const { body } = await server.signedPost('/user/group/query.json', { userId });
  expect(body.code).toBe(200);
  return body.groups;
}

describe('/group/sync.json, /group/refresh.json, /user/group/query.json', () => {
  it('sync takes the literal group[<id>]=<name> form and sets the whole set', async () => {
    await server.signedPost('/group/create.json', { userId: ['2014', 'other'], groupId: 'stale', groupName: 'Stale' });
    const response = await fetch(`${server.url}/group/sync.json`, {
      method: 'POST',
      headers: { ...signingHeaders(server.appKey, server.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'userId=2014&group[10001]=TestGroup1&group[10002]=TestGroup2',
      signal: AbortSignal.timeout(10_000),
    });
    expect(await readReply(response)).toEqual({ status: 200, body: { code: 200 } });
    expect(await groupsOf('2014')).toEqual([
      { id: '10001', name: 'TestGroup1' },
      { id: '10002', name: 'TestGroup2' },
    ]);
    expect((await server.signedPost('/group/user/query.json', { groupId: '10001' })).body).toEqual({
      code: 200,
      users: [{ id: '2014' }],
      members: [{ id: '2014' }],
    });
    // The user left `stale`; the other member did not.
    expect((await server.signedPost('/group/user/query.json', { groupId: 'stale' })).body.users).toEqual([{ id: 'other' }]);
    // No group keys: the user leaves every group.
    expect((await server.signedPost('/group/sync.json', { userId: '2014' })).body).toEqual({ code: 200 });
    expect(await groupsOf('2014')).toEqual([]);
  });

  it('refresh renames an existing group, as seen by /user/group/query.json', async () => {
    await server.signedPost('/group/create.json', { userId: 'ren1', groupId: 'gren', groupName: 'Before' });
    expect(await server.signedPost('/group/refresh.json', { groupId: 'gren', groupName: 'After' })).toEqual({
      status: 200,
      body: { code: 200 },
    });
    expect(await groupsOf('ren1')).toEqual([{ id: 'gren', name: 'After' }]);
  });

  it('user/group/query pages with page and size', async () => {
    const groups = Array.from({ length: 5 }, (_, i) => ({ id: `pg${i}`, name: `P${i}` }));
    await server.signedPost('/group/sync.json', { userId: 'pager', ...Object.fromEntries(groups.map((g) => [`group[${g.id}]`, g.name])) });
    const seen: { id: string; name: string }[] = [];
    for (let page = 1; page <= 4; page++) {
      const { body } = await server.signedPost('/user/group/query.json', { userId: 'pager', page: String(page), size: '2' });
      expect(body.code).toBe(200);
      expect(body.groups.length).toBeLessThanOrEqual(2);
      seen.push(...body.groups);
    }
    expect(seen).toEqual(groups);
    expect(await groupsOf('pager')).toEqual(groups);
  });

  it.each([
    ['/group/sync.json', { 'group[g1]': 'x' }, ServerApiCode.PARAM_ERROR],
    ['/group/sync.json', { userId: 'bad1', 'group[has space]': 'x' }, ServerApiCode.PARAM_ERROR],
    ['/group/sync.json', { userId: 'bad1', 'group[g1]': 'n'.repeat(129) }, ServerApiCode.PARAM_ERROR],
    ['/group/sync.json', { userId: 'bad1', 'group[g1]': ['a', 'b'] }, ServerApiCode.PARAM_ERROR],
    ['/group/refresh.json', { groupId: 'gbad' }, ServerApiCode.PARAM_ERROR],
    ['/group/refresh.json', { groupId: 'no-such-group', groupName: 'x' }, ServerApiCode.PARAM_ERROR],
    ['/user/group/query.json', {}, ServerApiCode.NO_POST_DATA],
    ['/user/group/query.json', { userId: 'bad1', size: '5001' }, ServerApiCode.PARAM_ERROR],
    ['/user/group/query.json', { userId: 'bad1', page: '-1' }, ServerApiCode.PARAM_ERROR],
  ])('%s %j → 400 / %i, nothing changed', async (path, form, code) => {
    await server.signedPost('/group/create.json', { userId: 'bad1', groupId: 'gbad', groupName: 'Kept' });
    expect(await server.signedPost(path, form)).toMatchObject({ status: 400, body: { code } });
    expect(await groupsOf('bad1')).toEqual([{ id: 'gbad', name: 'Kept' }]);
    expect((await server.signedPost('/group/user/query.json', { groupId: 'no-such-group' })).body.users).toEqual([]);
  });
});
