import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../ports.js';
import { createKyselyStorage } from './kysely-storage.js';
import { initialSchema } from './migrations/0001-initial-schema.js';
import { migrateToLatest } from './migrations/index.js';
import { decodePageToken, encodePageToken } from './moderation-stores.js';
import type { Database } from './schema.js';
import { openSqliteStorage } from './sqlite/open-sqlite-storage.js';

let storage: Storage;

beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
});

afterEach(async () => {
  await storage.close();
});

describe('migration 0002', () => {
  it('turns both call switches on for apps created before it', async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => ({ '0001-initial-schema': initialSchema }) },
        migrationTableName: 'opencall_migrations',
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await db.insertInto('apps').values({ app_key: 'old', app_secret: 's', name: '', created_at: 1 }).execute();
      await migrateToLatest(db as unknown as Kysely<unknown>);
      const old = await createKyselyStorage(db).apps.get('old');
      expect(old).toMatchObject({ audioCallEnabled: true, videoCallEnabled: true });
    } finally {
      await db.destroy();
    }
  });
});

describe('blacklists', () => {
  it('add is idempotent, one-way and per app; remove ignores unknown ids', async () => {
    await storage.blacklists.add('app1', 'alice', ['bob', 'bob', 'carol']);
    await storage.blacklists.add('app1', 'alice', ['bob']);
    expect(await storage.blacklists.has('app1', 'alice', 'bob')).toBe(true);
    expect(await storage.blacklists.has('app1', 'bob', 'alice')).toBe(false);
    expect(await storage.blacklists.has('app2', 'alice', 'bob')).toBe(false);
    await storage.blacklists.remove('app1', 'alice', ['bob', 'nobody']);
    expect(await storage.blacklists.has('app1', 'alice', 'bob')).toBe(false);
    expect((await storage.blacklists.list('app1', 'alice', { size: 10 })).users).toEqual(['carol']);
  });

  it('pages in user-id order with an opaque next token, absent on the last page', async () => {
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

  it('a malformed page token yields an empty page', async () => {
    await storage.blacklists.add('app1', 'owner', ['a']);
    expect(await storage.blacklists.list('app1', 'owner', { size: 10, pageToken: '!!' })).toEqual({ users: [] });
  });

  it('page tokens round-trip and reject non-canonical spellings', () => {
    expect(decodePageToken(encodePageToken('user-1'))).toBe('user-1');
    expect(decodePageToken('')).toBeUndefined();
    expect(decodePageToken('a b')).toBeUndefined();
  });
});

describe('bans', () => {
  it('bannedUntil is set until the end time, re-ban replaces it, unban lifts it', async () => {
    await storage.bans.ban('app1', ['alice', 'bob'], 5000);
    expect(await storage.bans.bannedUntil('app1', 'alice', 4999)).toBe(5000);
    expect(await storage.bans.bannedUntil('app1', 'alice', 5000)).toBeUndefined();
    expect(await storage.bans.bannedUntil('app2', 'alice', 0)).toBeUndefined();
    await storage.bans.ban('app1', ['alice'], 9000);
    expect(await storage.bans.bannedUntil('app1', 'alice', 6000)).toBe(9000);
    await storage.bans.unban('app1', ['alice', 'nobody']);
    expect(await storage.bans.bannedUntil('app1', 'alice', 0)).toBeUndefined();
    expect(await storage.bans.bannedUntil('app1', 'bob', 0)).toBe(5000);
  });

  it('list shows active bans by end time descending, paged from 1', async () => {
    await storage.bans.ban('app1', ['a'], 1000);
    await storage.bans.ban('app1', ['b'], 3000);
    await storage.bans.ban('app1', ['c'], 2000);
    await storage.bans.ban('app1', ['expired'], 100);
    expect(await storage.bans.list('app1', 500, { page: 1, size: 10 })).toEqual([
      { userId: 'b', endsAt: 3000 },
      { userId: 'c', endsAt: 2000 },
      { userId: 'a', endsAt: 1000 },
    ]);
    expect((await storage.bans.list('app1', 500, { page: 2, size: 2 })).map((b) => b.userId)).toEqual(['a']);
    expect(await storage.bans.list('app1', 500, { page: 3, size: 2 })).toEqual([]);
    expect(await storage.bans.list('app2', 500, { page: 1, size: 2 })).toEqual([]);
  });
});
