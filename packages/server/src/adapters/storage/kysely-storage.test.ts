import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import { beforeEach, expect, it } from 'vitest';
import type { AppRecord, CallRecord, Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** A real epoch-ms time: past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;

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

describeEachEngine('storage: apps, users, groups, call records, transactions', (engine) => {
  let storage: Storage;
  let clock: number;

  beforeEach(async () => {
    clock = T;
    ({ storage } = await engine.open(() => clock++));
  });

  it('apps: upsert creates then updates the secret and name, keeping createdAt', async () => {
    expect(await storage.apps.get('nope')).toBeUndefined();
    await storage.apps.upsert(app('s1', 'one', T));
    await storage.apps.upsert(app('s2', 'two', T + 99));
    // Migration 0009's fields read back with their defaults.
    expect(await storage.apps.get('app1')).toEqual({
      ...app('s2', 'two', T),
      projectId: 'app1',
      environment: 'production',
      disabled: false,
    });
  });

  it('apps: call switches default on and upsert stores them', async () => {
    await storage.apps.upsert(app('s1', 'one', T));
    expect(await storage.apps.get('app1')).toMatchObject({ audioCallEnabled: true, videoCallEnabled: true });
    await storage.apps.upsert({ ...app('s1', 'one', T), videoCallEnabled: false });
    expect(await storage.apps.get('app1')).toMatchObject({ audioCallEnabled: true, videoCallEnabled: false });
    await storage.apps.upsert({ ...app('s1', 'one', T), audioCallEnabled: false, videoCallEnabled: true });
    expect(await storage.apps.get('app1')).toMatchObject({ audioCallEnabled: false, videoCallEnabled: true });
  });

  it('users: upsertProfile creates, then updates only the given fields', async () => {
    await storage.users.upsertProfile('app1', 'alice', { name: 'Alice' });
    expect(await storage.users.get('app1', 'alice')).toEqual({
      appKey: 'app1',
      userId: 'alice',
      name: 'Alice',
      portraitUri: '',
      tokensValidAfter: 0,
      createdAt: T,
    });
    await storage.users.upsertProfile('app1', 'alice', { portraitUri: 'http://p' });
    await storage.users.upsertProfile('app1', 'alice', {});
    expect(await storage.users.get('app1', 'alice')).toMatchObject({ name: 'Alice', portraitUri: 'http://p', createdAt: T });
    expect(await storage.users.get('app2', 'alice')).toBeUndefined();
  });

  it('users: expireTokens sets tokensValidAfter, creating unknown users and keeping profiles', async () => {
    await storage.users.upsertProfile('app1', 'alice', { name: 'Alice' });
    await storage.users.expireTokens('app1', ['alice', 'bob', 'bob'], T + 1234);
    await storage.users.expireTokens('app1', [], T + 9999);
    expect(await storage.users.get('app1', 'alice')).toMatchObject({ name: 'Alice', tokensValidAfter: T + 1234 });
    expect(await storage.users.get('app1', 'bob')).toMatchObject({ name: '', tokensValidAfter: T + 1234 });
    await storage.users.upsertProfile('app1', 'bob', { name: 'Bob' });
    expect(await storage.users.get('app1', 'bob')).toMatchObject({ name: 'Bob', tokensValidAfter: T + 1234 });
  });

  it('groups: add (idempotent), remove, isMember, dismiss, per app', async () => {
    await storage.groups.addMembers('app1', 'g1', ['a', 'b', 'a'], 'G');
    await storage.groups.addMembers('app1', 'g1', ['b', 'c']);
    await storage.groups.addMembers('app2', 'g1', ['z']);
    expect(await storage.groups.members('app1', 'g1')).toEqual(['a', 'b', 'c']);
    expect(await storage.groups.isMember('app1', 'g1', 'c')).toBe(true);
    expect(await storage.groups.isMember('app1', 'g1', 'z')).toBe(false);
    await storage.groups.removeMembers('app1', 'g1', ['a', 'nobody']);
    await storage.groups.removeMembers('app1', 'g1', []);
    expect(await storage.groups.members('app1', 'g1')).toEqual(['b', 'c']);
    await storage.groups.dismiss('app1', 'g1');
    expect(await storage.groups.members('app1', 'g1')).toEqual([]);
    expect(await storage.groups.members('app2', 'g1')).toEqual(['z']);
  });

  it('groups: rename only an existing group; groupsOf pages by group id', async () => {
    await storage.groups.addMembers('app1', 'g2', ['a'], 'Two');
    await storage.groups.addMembers('app1', 'g1', ['a', 'b'], 'One');
    await storage.groups.addMembers('app1', 'g3', ['a']);
    await storage.groups.addMembers('app2', 'g9', ['a'], 'Other app');
    expect(await storage.groups.rename('app1', 'g3', 'Three')).toBe(true);
    expect(await storage.groups.rename('app1', 'nope', 'X')).toBe(false);
    expect(await storage.groups.groupsOf('app1', 'a', { page: 1, size: 10 })).toEqual([
      { id: 'g1', name: 'One' },
      { id: 'g2', name: 'Two' },
      { id: 'g3', name: 'Three' },
    ]);
    expect(await storage.groups.groupsOf('app1', 'a', { page: 2, size: 2 })).toEqual([{ id: 'g3', name: 'Three' }]);
    expect(await storage.groups.groupsOf('app1', 'nobody', { page: 1, size: 10 })).toEqual([]);
    expect(await storage.groups.members('app1', 'nope')).toEqual([]);
  });

  it('groups: syncUserGroups sets the whole set (names too), leaves others, empty leaves all', async () => {
    await storage.groups.addMembers('app1', 'old', ['a', 'b'], 'Old');
    await storage.groups.addMembers('app1', 'keep', ['a'], 'Keep');
    await storage.groups.syncUserGroups('app1', 'a', [
      { id: 'keep', name: 'Kept' },
      { id: 'new', name: 'New' },
    ]);
    expect(await storage.groups.groupsOf('app1', 'a', { page: 1, size: 10 })).toEqual([
      { id: 'keep', name: 'Kept' },
      { id: 'new', name: 'New' },
    ]);
    expect(await storage.groups.members('app1', 'old')).toEqual(['b']);
    const many = Array.from({ length: 1200 }, (_, i) => ({ id: `m${String(i).padStart(4, '0')}`, name: `M${i}` }));
    await storage.groups.syncUserGroups('app1', 'a', many);
    expect(await storage.groups.groupsOf('app1', 'a', { page: 1, size: 5000 })).toEqual(many);
    await storage.groups.syncUserGroups('app1', 'a', []);
    expect(await storage.groups.groupsOf('app1', 'a', { page: 1, size: 10 })).toEqual([]);
    expect(await storage.groups.members('app1', 'old')).toEqual(['b']);
  });

  it('groups: handles 1000 members in one call', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    await storage.groups.addMembers('app1', 'big', ids, 'Big');
    expect(await storage.groups.members('app1', 'big')).toEqual(ids);
  });

  it('calls: save/get round-trips, save again replaces, list is most recent first and filters by user', async () => {
    const r1 = callRecord('c1', T + 1000, ['alice', 'bob']);
    const r2 = callRecord('c2', T + 2000, ['bob', 'carol']);
    const r3 = callRecord('c3', T + 3000, ['alice', 'carol', 'dave']);
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
    expect(await storage.calls.list('app1', { limit: 0 })).toEqual([]);
    expect((await storage.calls.list('app1', { userId: 'carol', limit: 10 })).map((r) => r.callId)).toEqual(['c3', 'c2']);
    expect((await storage.calls.list('app1', { userId: 'alice', limit: 10 })).map((r) => r.callId)).toEqual(['c3', 'c1']);
    expect(await storage.calls.list('app2', { limit: 10 })).toEqual([]);
    const [listed] = await storage.calls.list('app1', { userId: 'dave', limit: 10 });
    expect(listed).toEqual(r3);
  });

  it('transaction: commits every write together', async () => {
    await storage.transaction(async (tx) => {
      await tx.calls.save(callRecord('c1', T, ['alice', 'bob']));
      await tx.activeCalls.remove('app1', 'c1');
      await tx.groups.addMembers('app1', 'g1', ['alice']);
    });
    expect(await storage.calls.get('app1', 'c1')).toEqual(callRecord('c1', T, ['alice', 'bob']));
    expect(await storage.groups.members('app1', 'g1')).toEqual(['alice']);
  });

  it('transaction: a failure rolls back every write of it, nested store transactions included', async () => {
    await storage.calls.save(callRecord('c0', T, ['alice', 'bob']));
    await expect(
      storage.transaction(async (tx) => {
        await tx.calls.save(callRecord('c1', T, ['alice', 'bob'])); // its own multi-statement write joins this one
        await tx.calls.save({ ...callRecord('c0', T, ['alice']), extra: 'changed' });
        await tx.activeCalls.save({ appKey: 'app1', callId: 'c1', snapshot: '{}', updatedAt: T, ownerNode: '', ownerEpoch: 1 });
        await tx.users.expireTokens('app1', ['alice'], T);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await storage.calls.get('app1', 'c1')).toBeUndefined();
    expect(await storage.calls.get('app1', 'c0')).toEqual(callRecord('c0', T, ['alice', 'bob']));
    expect(await storage.activeCalls.all()).toEqual([]);
    expect(await storage.users.get('app1', 'alice')).toBeUndefined();
  });

  it('transaction: a nested transaction runs inside the outer one (rolled back with it)', async () => {
    await expect(
      storage.transaction((tx) =>
        tx.transaction(async (inner) => {
          await inner.groups.addMembers('app1', 'g1', ['alice']);
          throw new Error('inner failure');
        }),
      ),
    ).rejects.toThrow('inner failure');
    expect(await storage.groups.members('app1', 'g1')).toEqual([]);
  });

  it('transaction: its value is returned', async () => {
    expect(await storage.transaction(async (tx) => (await tx.apps.get('none')) ?? 'none')).toBe('none');
  });
});
