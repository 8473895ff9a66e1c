import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppRecord, CallRecord, Storage } from '../../../ports.js';
import { openSqliteStorage } from './open-sqlite-storage.js';

let dir: string;
let file: string;
let storage: Storage;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opencall-storage-'));
  file = join(dir, 'nested', 'opencall.sqlite');
  storage = await openSqliteStorage(file);
});

afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function app(appSecret: string, name: string, createdAt: number): AppRecord {
  return { appKey: 'app1', appSecret, name, createdAt, audioCallEnabled: true, videoCallEnabled: true };
}

function callRecord(callId: string, createdAt: number, users: string[]): CallRecord {
  return {
    appKey: 'app1',
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: users[1] ?? '',
    channelId: '',
    callerId: users[0] ?? '',
    mediaType: RCCallMediaType.AUDIO_VIDEO,
    extra: 'x',
    createdAt,
    beginAt: createdAt + 5,
    endAt: createdAt + 10,
    durationMs: 5,
    endReason: RCCallEndReason.HANGUP,
    participants: users.map((userId, i) => ({
      userId,
      deviceId: `d-${userId}`,
      isCaller: i === 0,
      joinedAt: createdAt + i,
      leftAt: createdAt + 10,
      endReason: i === 0 ? RCCallEndReason.HANGUP : RCCallEndReason.REMOTE_HANGUP,
    })),
  };
}

describe('openSqliteStorage', () => {
  it('creates the folder, uses WAL and creates every table and index', () => {
    const raw = new SQLite(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const names = (raw.prepare("select name from sqlite_master where type in ('table','index')").all() as { name: string }[]).map(
        (r) => r.name,
      );
      const expected = ['apps', 'users', 'groups', 'group_members', 'call_records', 'call_participants', 'group_members_by_user'];
      for (const t of [...expected, 'blacklists', 'bans', 'bans_by_end', 'offline_records']) {
        expect(names).toContain(t);
      }
    } finally {
      raw.close();
    }
  });

  it('reopening an existing file keeps data and does not re-run migrations', async () => {
    await storage.apps.upsert(app('s1', 'one', 1));
    await storage.close();
    storage = await openSqliteStorage(file);
    expect(await storage.apps.get('app1')).toEqual(app('s1', 'one', 1));
  });

  it('apps: upsert creates then updates the secret and name, keeping createdAt', async () => {
    expect(await storage.apps.get('nope')).toBeUndefined();
    await storage.apps.upsert(app('s1', 'one', 1));
    await storage.apps.upsert(app('s2', 'two', 99));
    expect(await storage.apps.get('app1')).toEqual(app('s2', 'two', 1));
  });

  it('apps: call switches default on and upsert stores them', async () => {
    await storage.apps.upsert(app('s1', 'one', 1));
    expect(await storage.apps.get('app1')).toMatchObject({ audioCallEnabled: true, videoCallEnabled: true });
    await storage.apps.upsert({ ...app('s1', 'one', 1), videoCallEnabled: false });
    expect(await storage.apps.get('app1')).toMatchObject({ audioCallEnabled: true, videoCallEnabled: false });
    await storage.apps.upsert({ ...app('s1', 'one', 1), audioCallEnabled: false, videoCallEnabled: true });
    expect(await storage.apps.get('app1')).toMatchObject({ audioCallEnabled: false, videoCallEnabled: true });
  });

  it('users: upsertProfile creates, then updates only the given fields', async () => {
    await storage.users.upsertProfile('app1', 'alice', { name: 'Alice' });
    let alice = await storage.users.get('app1', 'alice');
    expect(alice).toMatchObject({ userId: 'alice', name: 'Alice', portraitUri: '', tokensValidAfter: 0 });
    await storage.users.upsertProfile('app1', 'alice', { portraitUri: 'http://p' });
    await storage.users.upsertProfile('app1', 'alice', {});
    alice = await storage.users.get('app1', 'alice');
    expect(alice).toMatchObject({ name: 'Alice', portraitUri: 'http://p' });
    expect(await storage.users.get('app2', 'alice')).toBeUndefined();
  });

  it('users: expireTokens sets tokensValidAfter, creating unknown users and keeping profiles', async () => {
    await storage.users.upsertProfile('app1', 'alice', { name: 'Alice' });
    await storage.users.expireTokens('app1', ['alice', 'bob', 'bob'], 1234);
    expect(await storage.users.get('app1', 'alice')).toMatchObject({ name: 'Alice', tokensValidAfter: 1234 });
    expect(await storage.users.get('app1', 'bob')).toMatchObject({ name: '', tokensValidAfter: 1234 });
    await storage.users.upsertProfile('app1', 'bob', { name: 'Bob' });
    expect(await storage.users.get('app1', 'bob')).toMatchObject({ name: 'Bob', tokensValidAfter: 1234 });
  });

  it('groups: add (idempotent), remove, isMember, dismiss, per app', async () => {
    await storage.groups.addMembers('app1', 'g1', ['a', 'b', 'a'], 'G');
    await storage.groups.addMembers('app1', 'g1', ['b', 'c']);
    await storage.groups.addMembers('app2', 'g1', ['z']);
    expect(await storage.groups.members('app1', 'g1')).toEqual(['a', 'b', 'c']);
    expect(await storage.groups.isMember('app1', 'g1', 'c')).toBe(true);
    expect(await storage.groups.isMember('app1', 'g1', 'z')).toBe(false);
    await storage.groups.removeMembers('app1', 'g1', ['a', 'nobody']);
    expect(await storage.groups.members('app1', 'g1')).toEqual(['b', 'c']);
    await storage.groups.dismiss('app1', 'g1');
    expect(await storage.groups.members('app1', 'g1')).toEqual([]);
    expect(await storage.groups.members('app2', 'g1')).toEqual(['z']);
  });

  it('groups: handles 1000 members in one call', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `u${i}`);
    await storage.groups.addMembers('app1', 'big', ids, 'Big');
    expect((await storage.groups.members('app1', 'big')).length).toBe(1000);
  });

  it('calls: save/get round-trips, save again replaces, list is most recent first and filters by user', async () => {
    const r1 = callRecord('c1', 1000, ['alice', 'bob']);
    const r2 = callRecord('c2', 2000, ['bob', 'carol']);
    const r3 = callRecord('c3', 3000, ['alice', 'carol', 'dave']);
    await storage.calls.save(r1);
    await storage.calls.save(r2);
    await storage.calls.save(r3);
    expect(await storage.calls.get('app1', 'c1')).toEqual(r1);
    expect(await storage.calls.get('app1', 'missing')).toBeUndefined();

    const updated = { ...r1, extra: 'y', participants: r1.participants.slice(0, 1) };
    await storage.calls.save(updated);
    expect(await storage.calls.get('app1', 'c1')).toEqual(updated);

    expect((await storage.calls.list('app1', { limit: 10 })).map((r) => r.callId)).toEqual(['c3', 'c2', 'c1']);
    expect((await storage.calls.list('app1', { limit: 2 })).map((r) => r.callId)).toEqual(['c3', 'c2']);
    expect((await storage.calls.list('app1', { userId: 'carol', limit: 10 })).map((r) => r.callId)).toEqual(['c3', 'c2']);
    expect((await storage.calls.list('app1', { userId: 'alice', limit: 10 })).map((r) => r.callId)).toEqual(['c3', 'c1']);
    expect(await storage.calls.list('app2', { limit: 10 })).toEqual([]);
    const [listed] = await storage.calls.list('app1', { userId: 'dave', limit: 10 });
    expect(listed).toEqual(r3);
  });
});
