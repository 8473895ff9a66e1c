import { RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { NewOutboxRow, Storage } from '../../ports/index.js';
import type { Call } from './call.js';
import { groupCallFromAlice } from './call.test-support.js';
import { CallJournal } from './call-journal.js';
import { CallPush } from './call-push.js';

const logger = pino({ level: 'silent' });
const online = new Set<string>();
const registry = { isOnline: (_appKey: string, userId: string) => online.has(userId) };

/** alice calls bob and carol (rings until 61 000) in group g1. */
function groupCall(): Call {
  const call = groupCallFromAlice({ callId: 'c:1', createdAt: 1000, pushTitle: 'Call', pushContent: 'from alice' });
  call.addInvitee('bob', 'alice', 61_000, false);
  call.addInvitee('carol', 'alice', 61_000, false);
  return call;
}

describe('call push', () => {
  beforeEach(() => online.clear());

  it('writes one outbox row per offline invitee; none for an online one, none when push is off', () => {
    const rows: NewOutboxRow[] = [];
    const push = new CallPush({ enqueue: (_call, added) => rows.push(...added) }, registry, () => 5000);
    online.add('carol');
    const call = groupCall();
    push.send(call, 'bob', 'call', {});
    push.send(call, 'carol', 'call', {});
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      id: 'push:app:c%3A1:bob:call:61000',
      topic: 'push',
      orderKey: 'push:app:c%3A1:bob',
      createdAt: 5000,
      dueAt: 5000,
      payload: expect.any(String),
    });
    expect(JSON.parse(rows[0]!.payload)).toEqual({
      appKey: 'app',
      userId: 'bob',
      kind: 'call',
      title: 'Call',
      content: 'from alice',
      inviterId: 'alice',
      data: { mediaType: RCCallMediaType.AUDIO, userIdList: ['bob', 'carol'], callId: 'c:1' },
      ringDeadline: 61_000,
    });
    const off = new CallPush(undefined, registry, () => 5000);
    expect(() => off.send(call, 'bob', 'call', {})).not.toThrow();
  });

  it('a pushed ring that ends without a hang-up notice gets one close notice (Web Push); others get none', () => {
    const rows: NewOutboxRow[] = [];
    const push = new CallPush({ enqueue: (_call, added) => rows.push(...added) }, registry, () => 5000, true);
    const call = groupCall();
    push.send(call, 'bob', 'call', {});
    push.send(call, 'carol', 'call', {});
    push.ringSettled(call, 'bob'); // bob answered on a device he connected since
    push.ringSettled(call, 'bob'); // once only
    push.send(call, 'carol', 'hangup', {}, RCCallEndReason.CANCEL);
    push.ringSettled(call, 'carol'); // the hang-up notice already replaces carol's ring
    push.ringSettled(call, 'alice'); // never pushed
    expect(rows.map((r) => r.id)).toEqual([
      'push:app:c%3A1:bob:call:61000',
      'push:app:c%3A1:carol:call:61000',
      'push:app:c%3A1:bob:close:61000',
      'push:app:c%3A1:carol:hangup:61000',
    ]);
    expect(JSON.parse(rows[2]!.payload)).toMatchObject({ kind: 'close', userId: 'bob', data: { callId: 'c:1' }, ringDeadline: 61_000 });

    // Without Web Push (a webhook only) nobody reads close notices: none is written.
    const webhookOnly: NewOutboxRow[] = [];
    const plain = new CallPush({ enqueue: (_call, added) => webhookOnly.push(...added) }, registry, () => 5000);
    plain.send(call, 'bob', 'call', {});
    plain.ringSettled(call, 'bob');
    expect(webhookOnly.map((r) => r.id)).toEqual(['push:app:c%3A1:bob:call:61000']);
  });

  it('the hang-up has its own id; a later invitation of the same user gets new ids', () => {
    const rows: NewOutboxRow[] = [];
    const push = new CallPush({ enqueue: (_call, added) => rows.push(...added) }, registry, () => 5000);
    const call = groupCall();
    push.hangupToUnreached(call, RCCallEndReason.CANCEL, { pushTitle: 'Missed' });
    expect(rows.map((r) => r.id)).toEqual(['push:app:c%3A1:bob:hangup:61000', 'push:app:c%3A1:carol:hangup:61000']);
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({
      kind: 'hangup',
      title: 'Missed',
      data: { callId: 'c:1', reason: RCCallEndReason.CANCEL },
    });
    call.addInvitee('bob', 'carol', 90_000, false);
    push.send(call, 'bob', 'call', {});
    expect(rows.at(-1)!.id).toBe('push:app:c%3A1:bob:call:90000');
    expect(JSON.parse(rows.at(-1)!.payload)).toMatchObject({ inviterId: 'carol' });
  });
});

describe('call journal outbox', () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await openSqliteStorage(':memory:');
  });
  afterEach(async () => {
    await storage.close();
  });

  it('rows commit in the transaction of the call change that caused them, then the worker is nudged', async () => {
    const nudge = vi.fn();
    const journal = new CallJournal(storage, logger, () => 5000, '', nudge);
    const push = new CallPush(journal, registry, () => 5000);
    const transaction = vi.spyOn(storage, 'transaction');
    const call = groupCall();
    push.send(call, 'bob', 'call', {});
    journal.record(call);
    expect(nudge).not.toHaveBeenCalled();
    await journal.durable();
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(nudge).toHaveBeenCalledTimes(1);
    expect(await storage.outbox.get('push:app:c%3A1:bob:call:61000')).toMatchObject({ topic: 'push', attempts: 0 });
    expect(await storage.activeCalls.all()).toHaveLength(1);
    // A batch without outbox rows does not nudge.
    journal.record(call);
    await journal.durable();
    expect(nudge).toHaveBeenCalledTimes(1);
  });

  it('hang-up notices fall back to the caller’s hang-up push, call notices to the invite’s vendor fields; a signal’s own push wins', () => {
    const rows: NewOutboxRow[] = [];
    const push = new CallPush({ enqueue: (_call, added) => rows.push(...added) }, registry, () => 5000);
    const call = groupCallFromAlice({
      callId: 'c:2',
      pushTitle: 'Call',
      pushContent: 'from alice',
      pushConfig: { templateId: 't-call' },
      hangupPush: { pushTitle: 'Missed', pushContent: 'alice gave up', pushConfig: { androidConfig: { channelIdMi: 'missed' } } },
    });
    call.addInvitee('bob', 'alice', 61_000, false);
    push.send(call, 'bob', 'call', {});
    push.send(call, 'bob', 'hangup', {}, RCCallEndReason.NO_RESPONSE);
    push.send(
      call,
      'alice',
      'hangup',
      { pushTitle: 'Declined', pushConfig: { iOSConfig: { category: 'no' } } },
      RCCallEndReason.REJECT,
      'bob',
    );
    const [invite, missed, declined] = rows.map((row) => JSON.parse(row.payload));
    expect(invite).toMatchObject({ kind: 'call', title: 'Call', content: 'from alice', pushConfig: { templateId: 't-call' } });
    expect(missed).toMatchObject({
      kind: 'hangup',
      title: 'Missed',
      content: 'alice gave up',
      pushConfig: { androidConfig: { channelIdMi: 'missed' } },
    });
    expect(declined).toMatchObject({
      userId: 'alice',
      inviterId: 'bob',
      title: 'Declined',
      content: 'from alice',
      pushConfig: { iOSConfig: { category: 'no' } },
    });
  });

  it('a batch whose transaction fails stores neither the call change nor its rows, and nudges nobody', async () => {
    const nudge = vi.fn();
    const failing: Storage = {
      ...storage,
      transaction: (work) =>
        storage.transaction(async (tx) => {
          await work(tx);
          throw new Error('disk full');
        }),
    };
    const journal = new CallJournal(failing, logger, () => 5000, '', nudge);
    const call = groupCall();
    new CallPush(journal, registry, () => 5000).send(call, 'bob', 'call', {});
    journal.record(call);
    await expect(journal.durable()).rejects.toThrow('disk full');
    expect(await storage.outbox.get('push:app:c%3A1:bob:call:61000')).toBeUndefined();
    expect(await storage.activeCalls.all()).toEqual([]);
    expect(nudge).not.toHaveBeenCalled();
  });

  it('flushed() writes rows enqueued on their own', async () => {
    const journal = new CallJournal(storage, logger, () => 5000);
    new CallPush(journal, registry, () => 5000).send(groupCall(), 'bob', 'call', {});
    await journal.flushed();
    expect(await storage.outbox.get('push:app:c%3A1:bob:call:61000')).toBeDefined();
  });
});
