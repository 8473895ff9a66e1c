import { RCCallEndReason } from '@opencall/protocol';
import { beforeEach, expect, it } from 'vitest';
import type { OfflineCallRecord, Storage } from '../../ports/index.js';
import { offlineCallRecord } from '../../services/call/offline-record.test-support.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Epoch ms past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;

const offline = (callId: string, endReason: number = RCCallEndReason.REMOTE_CANCEL) =>
  offlineCallRecord(callId, { endReason, beginTimestamp: T - 9000, endTimestamp: T - 4000, duration: 5000 });

const all = { limit: 100, notBefore: 0, exclude: [] };
const ids = (records: OfflineCallRecord[]) => records.map((r) => r.callId);

describeEachEngine('storage: offline records', (engine) => {
  let storage: Storage;
  /** Each write takes the next tick of this clock, so `added_at` orders the records as written. */
  let clock: number;

  beforeEach(async () => {
    clock = T;
    ({ storage } = await engine.open(() => clock++));
  });

  it('pending lists oldest first without deleting; storing a call again updates it in its place', async () => {
    await storage.offlineRecords.add('app1', 'bob', offline('c2'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c1'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c3'), 10);
    await storage.offlineRecords.add('app1', 'carol', offline('c9'), 10);
    await storage.offlineRecords.add('app2', 'bob', offline('c8'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c2', RCCallEndReason.REMOTE_NO_RESPONSE), 10);

    const listed = await storage.offlineRecords.pending('app1', 'bob', all);
    expect(listed).toEqual([offline('c2', RCCallEndReason.REMOTE_NO_RESPONSE), offline('c1'), offline('c3')]);
    expect(await storage.offlineRecords.pending('app1', 'bob', all)).toEqual(listed);
    expect(ids(await storage.offlineRecords.pending('app1', 'carol', all))).toEqual(['c9']);
    expect(ids(await storage.offlineRecords.pending('app2', 'bob', all))).toEqual(['c8']);
  });

  it('pending respects the limit, the exclusions and the age bound', async () => {
    for (const id of ['c1', 'c2', 'c3', 'c4']) await storage.offlineRecords.add('app1', 'bob', offline(id), 10);
    // c1 was stored at T, c2 at T + 1, … (trimming reads do not tick the clock).
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, limit: 2 }))).toEqual(['c1', 'c2']);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, limit: 0 }))).toEqual([]);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, limit: 2, exclude: ['c1', 'c3'] }))).toEqual(['c2', 'c4']);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', { ...all, notBefore: T + 2 }))).toEqual(['c3', 'c4']);
  });

  it('remove deletes only the named records of that user', async () => {
    await storage.offlineRecords.add('app1', 'bob', offline('c1'), 10);
    await storage.offlineRecords.add('app1', 'bob', offline('c2'), 10);
    await storage.offlineRecords.add('app1', 'carol', offline('c1'), 10);
    await storage.offlineRecords.remove('app1', 'bob', ['c1', 'unknown', 'c1']);
    await storage.offlineRecords.remove('app1', 'bob', []);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', all))).toEqual(['c2']);
    expect(ids(await storage.offlineRecords.pending('app1', 'carol', all))).toEqual(['c1']);
  });

  it('add keeps only the newest `keep` records of the user', async () => {
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await storage.offlineRecords.add('app1', 'bob', offline(id), 3);
    await storage.offlineRecords.add('app1', 'carol', offline('c1'), 3);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', all))).toEqual(['c3', 'c4', 'c5']);
    expect(ids(await storage.offlineRecords.pending('app1', 'carol', all))).toEqual(['c1']);
  });

  it('prune drops the records of every user stored before the bound and counts them', async () => {
    await storage.offlineRecords.add('app1', 'bob', offline('c1'), 10); // at T
    await storage.offlineRecords.add('app1', 'carol', offline('c2'), 10); // at T + 1
    await storage.offlineRecords.add('app2', 'dave', offline('c3'), 10); // at T + 2
    expect(await storage.offlineRecords.prune(T + 2)).toBe(2);
    expect(await storage.offlineRecords.prune(T + 2)).toBe(0);
    expect(ids(await storage.offlineRecords.pending('app1', 'bob', all))).toEqual([]);
    expect(ids(await storage.offlineRecords.pending('app2', 'dave', all))).toEqual(['c3']);
  });

  it('a record stored in a transaction that fails is not stored', async () => {
    await expect(
      storage.transaction(async (tx) => {
        await tx.offlineRecords.add('app1', 'bob', offline('c1'), 10);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await storage.offlineRecords.pending('app1', 'bob', all)).toEqual([]);
  });
});
