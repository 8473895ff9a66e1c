import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../ports/index.js';
import type { Call } from './call.js';
import { groupCallFromAlice } from './call.test-support.js';
import { CallJournal } from './call-journal.js';
import { recoverInterruptedCalls } from './call-recovery.js';
import { CallWebhooks } from './call-webhooks.js';
import { missedCalls } from './offline-records.js';

const logger = pino({ level: 'silent' });
let storage: Storage;

beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
});

afterEach(async () => {
  await storage.close();
});

/** alice calls bob (a device of his rang) and carol (no device connected) in group g1. */
function groupCall(): Call {
  const call = groupCallFromAlice();
  call.addInvitee('bob', 'alice', 0, true);
  call.addInvitee('carol', 'alice', 0, false);
  return call;
}

const pendingOf = (userId: string) => storage.offlineRecords.pending('app', userId, { limit: 10, notBefore: 0, exclude: [] });

describe('call journal and offline records', () => {
  it('missedCalls gives one record per invitee the call never reached', () => {
    const call = groupCall();
    call.participants.get('carol')!.leave(0, RCCallEndReason.REMOTE_CANCEL);
    expect(missedCalls(call, 500)).toEqual([
      {
        userId: 'carol',
        record: {
          callId: 'c1',
          conversationType: ConversationType.GROUP,
          targetId: 'g1',
          channelId: '',
          inviterId: 'alice',
          mediaType: RCCallMediaType.AUDIO,
          endReason: RCCallEndReason.REMOTE_CANCEL,
          beginTimestamp: 0,
          endTimestamp: 500,
          duration: 0,
        },
      },
    ]);
  });

  it('finish stores the call record and the offline records, and drops the snapshot, together', async () => {
    const journal = new CallJournal(storage, logger, () => 200);
    const call = groupCall();
    journal.record(call);
    await journal.flushed();
    expect(await storage.activeCalls.all()).toHaveLength(1);
    journal.finish(call, call.toRecord(300), missedCalls(call, 300));
    await journal.flushed();
    expect(await storage.activeCalls.all()).toEqual([]);
    expect(await storage.calls.get('app', 'c1')).toMatchObject({ endAt: 300 });
    expect((await pendingOf('carol')).map((r) => r.callId)).toEqual(['c1']);
    expect(await pendingOf('bob')).toEqual([]);
  });

  it('recovery after a crash: unreached invitees get an offline record (NETWORK_ERROR) and are not told the call ended', async () => {
    const journal = new CallJournal(storage, logger, () => 200);
    journal.record(groupCall());
    await journal.flushed();
    const { closed: recovered } = await recoverInterruptedCalls(storage, logger, 900, { restoreWithinMs: 0 });
    expect(recovered).toEqual([{ appKey: 'app', callId: 'c1', beginAt: 0, endAt: 900, userIds: ['alice', 'bob'] }]);
    expect(await pendingOf('carol')).toMatchObject([{ callId: 'c1', endReason: RCCallEndReason.NETWORK_ERROR, endTimestamp: 900 }]);
    expect(await pendingOf('bob')).toEqual([]);
    expect(await storage.activeCalls.all()).toEqual([]);
  });

  it('recovery writes the call.ended webhook (and call.missed) of each call it closes, in the transaction that closes it', async () => {
    const journal = new CallJournal(storage, logger, () => 200);
    journal.record(groupCall());
    await journal.flushed();
    const hooks = new CallWebhooks(undefined, { callEvents: true, roomSync: false });
    await recoverInterruptedCalls(storage, logger, 900, { restoreWithinMs: 0, endRows: (call, now) => hooks.endedRows(call, now) });
    const rows = await storage.outbox.claimDue('test', 1000, 10, 1000, ['webhook']);
    const bodies = rows.map((r) => JSON.parse(r.payload) as { type: string; data: { userId?: string; endReason?: number } });
    expect(bodies.map((b) => b.type)).toEqual(['call.ended']);
    // The rest of the call's rows wait for the first (in order per call).
    await storage.outbox.complete(rows[0]!.id);
    const missed = await storage.outbox.claimDue('test', 1000, 10, 1000, ['webhook']);
    expect(missed.map((r) => JSON.parse(r.payload).data.userId)).toEqual(['bob']);
    expect(bodies[0]!.data.endReason).toBe(RCCallEndReason.NETWORK_ERROR);
  });

  it('a snapshot written before `reached` was journaled recovers as before: no offline records', async () => {
    const journal = new CallJournal(storage, logger, () => 200);
    journal.record(groupCall());
    await journal.flushed();
    const [entry] = await storage.activeCalls.all();
    const snapshot = JSON.parse(entry!.snapshot) as { participants: { reached?: boolean }[] };
    for (const p of snapshot.participants) delete p.reached;
    await storage.activeCalls.save({ ...entry!, snapshot: JSON.stringify(snapshot) });
    const { closed: recovered } = await recoverInterruptedCalls(storage, logger, 900, { restoreWithinMs: 0 });
    expect(recovered[0]!.userIds).toEqual(['alice', 'bob', 'carol']);
    expect(await pendingOf('carol')).toEqual([]);
  });
});

describe('call journal durability (acknowledged means stored)', () => {
  it('durable() settles only after the batch holding the change has committed', async () => {
    const journal = new CallJournal(storage, logger, () => 1000);
    const call = groupCall();
    journal.record(call);
    const durable = journal.durable();
    // Nothing is written in the tick of the change: the batch is gathered until the next one.
    expect(await storage.activeCalls.all()).toEqual([]);
    await durable;
    expect((await storage.activeCalls.all()).map((e) => e.callId)).toEqual(['c1']);
  });

  it('changes of one tick share one commit; a later change waits for its own batch', async () => {
    const journal = new CallJournal(storage, logger, () => 1000);
    const first = groupCall();
    journal.record(first);
    const firstDurable = journal.durable();
    await firstDurable;
    journal.finish(first, first.toRecord(2000), []);
    const finished = journal.durable();
    expect(finished).not.toBe(firstDurable);
    await finished;
    expect(await storage.calls.get('app', 'c1')).toMatchObject({ callId: 'c1', endAt: 2000 });
    expect(await storage.activeCalls.all()).toEqual([]);
  });

  it('durable() rejects when the transaction fails, and the journal keeps working afterwards', async () => {
    const failing: Storage = {
      ...storage,
      transaction: () => Promise.reject(new Error('database is unavailable')),
    };
    const journal = new CallJournal(failing, logger, () => 1000);
    journal.record(groupCall());
    await expect(journal.durable()).rejects.toThrow('database is unavailable');
    await expect(journal.flushed()).resolves.toBeUndefined();
  });
});
