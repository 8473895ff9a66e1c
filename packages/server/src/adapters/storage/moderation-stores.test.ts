import { beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../ports/index.js';
import { decodePageToken, encodePageToken } from './moderation-stores.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Ban end times are epoch ms: past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;

describe('blacklist page tokens', () => {
  it('round-trip and reject non-canonical spellings', () => {
    expect(decodePageToken(encodePageToken('user-1'))).toBe('user-1');
    expect(decodePageToken('')).toBeUndefined();
    expect(decodePageToken('a b')).toBeUndefined();
  });
});

describeEachEngine('storage: blacklists and bans', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open(() => T));
  });

  it('blacklists: add is idempotent, one-way and per app; remove ignores unknown ids', async () => {
    await storage.blacklists.add('app1', 'alice', ['bob', 'bob', 'carol']);
    await storage.blacklists.add('app1', 'alice', ['bob']);
    await storage.blacklists.add('app1', 'alice', []);
    expect(await storage.blacklists.has('app1', 'alice', 'bob')).toBe(true);
    expect(await storage.blacklists.has('app1', 'bob', 'alice')).toBe(false);
    expect(await storage.blacklists.has('app2', 'alice', 'bob')).toBe(false);
    await storage.blacklists.remove('app1', 'alice', ['bob', 'nobody']);
    await storage.blacklists.remove('app1', 'alice', []);
    expect(await storage.blacklists.has('app1', 'alice', 'bob')).toBe(false);
    expect((await storage.blacklists.list('app1', 'alice', { size: 10 })).users).toEqual(['carol']);
  });

  it('blacklists: page in user-id order with an opaque next token, absent on the last page', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await storage.blacklists.add('app1', 'owner', [...ids].reverse());
    const seen: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await storage.blacklists.list('app1', 'owner', { size: 10, pageToken });
      seen.push(...result.users);
      if (result.next === undefined) break;
      pageToken = result.next;
    }
    expect(seen).toEqual(ids);
    const exact = await storage.blacklists.list('app1', 'owner', { size: 25 });
    expect(exact).toEqual({ users: ids });
  });

  it('blacklists: a malformed page token yields an empty page', async () => {
    await storage.blacklists.add('app1', 'owner', ['a']);
    expect(await storage.blacklists.list('app1', 'owner', { size: 10, pageToken: '!!' })).toEqual({ users: [] });
  });

  it('bans: bannedUntil is set until the end time, re-ban replaces it, unban lifts it', async () => {
    await storage.bans.ban('app1', ['alice', 'bob', 'bob'], T + 5000);
    expect(await storage.bans.bannedUntil('app1', 'alice', T + 4999)).toBe(T + 5000);
    expect(await storage.bans.bannedUntil('app1', 'alice', T + 5000)).toBeUndefined();
    expect(await storage.bans.bannedUntil('app2', 'alice', 0)).toBeUndefined();
    await storage.bans.ban('app1', ['alice'], T + 9000);
    expect(await storage.bans.bannedUntil('app1', 'alice', T + 6000)).toBe(T + 9000);
    await storage.bans.unban('app1', ['alice', 'nobody']);
    await storage.bans.unban('app1', []);
    expect(await storage.bans.bannedUntil('app1', 'alice', 0)).toBeUndefined();
    expect(await storage.bans.bannedUntil('app1', 'bob', 0)).toBe(T + 5000);
  });

  it('bans: list shows active bans by end time descending, paged from 1', async () => {
    await storage.bans.ban('app1', ['a'], T + 1000);
    await storage.bans.ban('app1', ['b'], T + 3000);
    await storage.bans.ban('app1', ['c'], T + 2000);
    await storage.bans.ban('app1', ['expired'], T + 100);
    expect(await storage.bans.list('app1', T + 500, { page: 1, size: 10 })).toEqual([
      { userId: 'b', endsAt: T + 3000 },
      { userId: 'c', endsAt: T + 2000 },
      { userId: 'a', endsAt: T + 1000 },
    ]);
    expect((await storage.bans.list('app1', T + 500, { page: 2, size: 2 })).map((b) => b.userId)).toEqual(['a']);
    expect(await storage.bans.list('app1', T + 500, { page: 3, size: 2 })).toEqual([]);
    expect(await storage.bans.list('app2', T + 500, { page: 1, size: 2 })).toEqual([]);
  });

  it('rtc bans: a room ban covers that room, an every-room ban every room; the later end wins; unban per scope', async () => {
    await storage.rtcBans.ban('app1', ['alice', 'alice'], 'room1', T + 5000);
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room1', T)).toBe(T + 5000);
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room2', T)).toBeUndefined();
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room1', T + 5000)).toBeUndefined();
    expect(await storage.rtcBans.bannedUntil('app2', 'alice', 'room1', T)).toBeUndefined();
    await storage.rtcBans.ban('app1', ['alice'], undefined, T + 9000);
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room2', T)).toBe(T + 9000);
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room1', T)).toBe(T + 9000);
    await storage.rtcBans.unban('app1', ['alice'], undefined);
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room2', T)).toBeUndefined();
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room1', T)).toBe(T + 5000);
    await storage.rtcBans.unban('app1', ['alice', 'nobody'], 'room1');
    await storage.rtcBans.unban('app1', [], 'room1');
    expect(await storage.rtcBans.bannedUntil('app1', 'alice', 'room1', T)).toBeUndefined();
  });
});
