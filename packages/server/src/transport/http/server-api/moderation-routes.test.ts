import { ServerApiCode } from '@opencall/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { AppRecord, Storage, UsersBannedListener } from '../../../ports/index.js';
import { createTokenService } from '../../../services/auth/token-service.js';
import { formatUtcDateTime } from './format-time.js';
import { registerServerApi } from './register-server-api.js';
import { signedInject } from './signed-inject.test-support.js';

const APP: AppRecord = {
  appKey: 'modapp000001',
  appSecret: 'mod-secret-000000001',
  name: '',
  createdAt: 0,
  audioCallEnabled: true,
  videoCallEnabled: true,
};
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
let storage: Storage;
let app: FastifyInstance;
let onUsersBanned: ReturnType<typeof vi.fn<UsersBannedListener>>;

async function build(apiRatePerSec?: number): Promise<void> {
  app = Fastify({ bodyLimit: 100 * 1024 });
  await registerServerApi(app, {
    storage,
    tokens: createTokenService(storage),
    logger: pino({ level: 'silent' }),
    onTokensRevoked: () => {},
    onUsersBanned,
    now: () => NOW,
    ...(apiRatePerSec === undefined ? {} : { apiRatePerSec }),
  });
}

beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
  await storage.apps.upsert(APP);
  onUsersBanned = vi.fn<UsersBannedListener>();
  await build();
});

afterEach(async () => {
  await app.close();
  await storage.close();
});

function post(url: string, payload: string) {
  return signedInject(app, APP, url, payload);
}

describe('blacklist routes', () => {
  it.each(['blacklist', 'blocklist'])('/user/%s add, query and remove', async (spelling) => {
    expect((await post(`/user/${spelling}/add.json`, 'userId=alice&blackUserId=bob&blackUserId=carol')).json()).toEqual({ code: 200 });
    expect(await storage.blacklists.has(APP.appKey, 'alice', 'bob')).toBe(true);
    expect((await post(`/user/${spelling}/query.json`, 'userId=alice')).json()).toEqual({ code: 200, users: ['bob', 'carol'] });
    const first = (await post(`/user/${spelling}/query.json`, 'userId=alice&size=1')).json();
    expect(first).toMatchObject({ code: 200, users: ['bob'] });
    const second = (await post(`/user/${spelling}/query.json`, `userId=alice&size=1&pageToken=${first.next}`)).json();
    expect(second).toEqual({ code: 200, users: ['carol'] });
    expect((await post(`/user/${spelling}/remove.json`, 'userId=alice&blackUserId=bob')).json()).toEqual({ code: 200 });
    expect(await storage.blacklists.has(APP.appKey, 'alice', 'bob')).toBe(false);
  });

  it.each([
    ['/user/blacklist/add.json', 'userId=alice', 'blackUserId'],
    ['/user/blacklist/add.json', `userId=alice&${Array.from({ length: 21 }, (_, i) => `blackUserId=u${i}`).join('&')}`, 'blackUserId'],
    ['/user/blacklist/remove.json', 'blackUserId=bob', 'userId'],
    ['/user/blacklist/query.json', 'userId=alice&size=1001', 'size'],
    ['/user/blacklist/query.json', 'userId=alice&size=0', 'size'],
  ])('%s with %s → 1002 naming %s, nothing stored', async (url, body, field) => {
    const reply = await post(url, body);
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ code: ServerApiCode.PARAM_ERROR });
    expect(reply.json().errorMessage).toContain(field);
    expect((await storage.blacklists.list(APP.appKey, 'alice', { size: 10 })).users).toEqual([]);
  });
});

describe('ban routes', () => {
  it('block stores the ban, notifies the listener once per user, query lists it in UTC', async () => {
    const reply = await post('/user/block.json', 'userId=alice&userId=bob&userId=alice&minute=10');
    expect(reply.json()).toEqual({ code: 200 });
    expect(onUsersBanned).toHaveBeenCalledExactlyOnceWith(APP.appKey, ['alice', 'bob']);
    expect(await storage.bans.bannedUntil(APP.appKey, 'alice', NOW)).toBe(NOW + 600_000);
    const query = await post('/user/block/query.json', '');
    const end = formatUtcDateTime(NOW + 600_000);
    expect(end).toBe('2026-01-02 03:14:05');
    expect(query.json()).toEqual({
      code: 200,
      users: [
        { userId: 'alice', blockEndTime: end },
        { userId: 'bob', blockEndTime: end },
      ],
    });
    expect((await post('/user/block/query.json', 'page=2&size=1')).json()).toEqual({
      code: 200,
      users: [{ userId: 'bob', blockEndTime: end }],
    });
    expect((await post('/user/unblock.json', 'userId=alice')).json()).toEqual({ code: 200 });
    expect(await storage.bans.bannedUntil(APP.appKey, 'alice', NOW)).toBeUndefined();
  });

  it('a throwing listener does not fail the request', async () => {
    onUsersBanned.mockImplementation(() => {
      throw new Error('boom');
    });
    expect((await post('/user/block.json', 'userId=alice&minute=1')).json()).toEqual({ code: 200 });
  });

  it.each([
    ['userId=alice&minute=0', 'minute'],
    ['userId=alice&minute=43201', 'minute'],
    ['userId=alice&minute=1.5', 'minute'],
    ['userId=alice', 'minute'],
    ['minute=5', 'userId'],
  ])('block with %s → 1002 naming %s, nothing stored', async (body, field) => {
    const reply = await post('/user/block.json', body);
    expect(reply.json()).toMatchObject({ code: ServerApiCode.PARAM_ERROR });
    expect(reply.json().errorMessage).toContain(field);
    expect(onUsersBanned).not.toHaveBeenCalled();
    expect(await storage.bans.list(APP.appKey, NOW, { page: 1, size: 10 })).toEqual([]);
  });
});

describe('/opencall/app/service.json', () => {
  it('switches audio and video independently', async () => {
    expect((await post('/opencall/app/service.json', 'video=0')).json()).toEqual({ code: 200, audio: 1, video: 0 });
    expect(await storage.apps.get(APP.appKey)).toMatchObject({ audioCallEnabled: true, videoCallEnabled: false, appSecret: APP.appSecret });
    expect((await post('/opencall/app/service.json', 'audio=0&video=1')).json()).toEqual({ code: 200, audio: 0, video: 1 });
    expect(await storage.apps.get(APP.appKey)).toMatchObject({ audioCallEnabled: false, videoCallEnabled: true });
  });

  it.each(['audio=2', 'x=1', 'video=yes'])('%s → 1002', async (body) => {
    expect((await post('/opencall/app/service.json', body)).json()).toMatchObject({ code: ServerApiCode.PARAM_ERROR });
    expect(await storage.apps.get(APP.appKey)).toMatchObject({ audioCallEnabled: true, videoCallEnabled: true });
  });
});

describe('rate limit', () => {
  it('answers 429 / 1008 past the per-App-Key rate without running the handler', async () => {
    await app.close();
    await build(3);
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await post('/user/block.json', `userId=u${i}&minute=1`));
    expect(replies.slice(0, 3).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const limited = replies[5];
    expect(limited?.statusCode).toBe(429);
    expect(limited?.json()).toMatchObject({ code: ServerApiCode.RATE_LIMITED });
    expect(await storage.bans.bannedUntil(APP.appKey, 'u5', NOW)).toBeUndefined();
  });
});
