/**
 * Server-API user profile and presence (`/user/info.json`, `/user/refresh.json`,
 * `/user/checkOnline.json`) and the group endpoints a backend syncs with, against the real server.
 */
import { PROTOCOL_VERSION, ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

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
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token, deviceId: `${userId}-d` })));
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
    expect(await server.signedPost('/user/checkOnline.json', { userId: 'onl1' })).toEqual({ status: 200, body: { code: 200, status: '0' } });
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
