/** The `call.quality` webhook row: after every participant's last batch, or after the wait; one per answered call. */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { NewOutboxRow, QualitySample, Storage } from '../../ports/index.js';
import type { Call } from '../call/call.js';
import { CallQualityReport } from './call-quality-report.js';
import { participantQuality } from './quality-summary.js';

const T = 1_767_225_600_000;

function endedCall(callId: string, beginAt: number): Call {
  const participants = new Map([
    ['alice', { userId: 'alice', joinedAt: T }],
    ['bob', { userId: 'bob', joinedAt: beginAt }],
  ]);
  return { appKey: 'app', callId, beginAt, participants, init: { createdAt: T } } as unknown as Call;
}

const sample = (userId: string, extra: Partial<QualitySample>): QualitySample => ({
  userId,
  deviceId: `${userId}-d1`,
  at: T,
  kind: 'audio',
  direction: 'recv',
  peerUserId: userId === 'alice' ? 'bob' : 'alice',
  ...extra,
});

describe('CallQualityReport', () => {
  let storage: Storage;
  let rows: NewOutboxRow[];
  let report: CallQualityReport;
  let callEventsOn: boolean;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    storage = await openSqliteStorage(':memory:');
    rows = [];
    callEventsOn = true;
    const outbox = {
      ...storage.outbox,
      enqueue: async (r: readonly NewOutboxRow[]) => {
        rows.push(...r);
        return r.length;
      },
    };
    report = new CallQualityReport({
      storage: { telemetry: storage.telemetry, outbox },
      logger: pino({ level: 'silent' }),
      worker: { nudge() {} },
      callEventsOn: () => callEventsOn,
      now: () => T + 60_000,
    });
    await storage.telemetry.addSamples('app', 'c1', [
      sample('alice', { mos: 4.4, packetLossPct: 0, jitterMs: 4, rttMs: 20, bitrateKbps: 36, candidateType: 'host' }),
      sample('alice', { mos: 4.0, packetLossPct: 2, jitterMs: 6, rttMs: 30, bitrateKbps: 34, candidateType: 'relay' }),
      sample('bob', { kind: 'video', freezeCount: 1, freezeMs: 200, bitrateKbps: 800 }),
      sample('bob', { kind: 'video', freezeCount: 3, freezeMs: 700, bitrateKbps: 900 }),
      sample('bob', { direction: 'send', bitrateKbps: 40 }),
    ]);
  });

  afterEach(async () => {
    vi.useRealTimers();
    await storage.close();
  });

  it('goes once every participant sent its last batch, with each participant’s summary', async () => {
    report.callEnded(endedCall('c1', T + 1000));
    report.batchStored('app', 'c1', 'alice', true);
    expect(rows).toHaveLength(0);
    report.batchStored('app', 'c1', 'bob', false);
    expect(rows).toHaveLength(0);
    report.batchStored('app', 'c1', 'bob', true);
    await vi.waitFor(() => expect(rows).toHaveLength(1));
    const body = JSON.parse(rows[0]!.payload);
    expect(body.type).toBe('call.quality');
    expect(rows[0]!.orderKey).toBe('webhook:app:c1');
    expect(body.data.participants).toEqual([
      {
        userId: 'alice',
        samples: 2,
        mosMean: 4.2,
        mosMin: 4,
        packetLossPct: 1,
        jitterMs: 5,
        rttMs: 25,
        sendKbps: null,
        recvKbps: 35,
        freezeCount: 0,
        freezeMs: 0,
        candidateTypes: ['host', 'relay'],
      },
      {
        userId: 'bob',
        samples: 3,
        mosMean: null,
        mosMin: null,
        packetLossPct: null,
        jitterMs: null,
        rttMs: null,
        sendKbps: 40,
        recvKbps: 850,
        freezeCount: 3,
        freezeMs: 700,
        candidateTypes: [],
      },
    ]);
    expect(body.data.qualityMos).toBe(4.2);
  });

  it('goes after the wait when a last batch never comes; never for a call nobody answered', async () => {
    report.callEnded(endedCall('c1', T + 1000));
    report.callEnded(endedCall('c2', 0));
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.waitFor(() => expect(rows).toHaveLength(1));
    expect(JSON.parse(rows[0]!.payload).data.callId).toBe('c1');
  });

  it('settles the record MOS even when the app sends no call events (then no row is written)', async () => {
    callEventsOn = false;
    await storage.calls.save({
      appKey: 'app',
      callId: 'c1',
      conversationType: 1,
      targetId: 'bob',
      channelId: '',
      callerId: 'alice',
      mediaType: 1,
      extra: '',
      createdAt: T,
      beginAt: T + 1000,
      endAt: T + 20_000,
      durationMs: 19_000,
      endReason: 13,
      participants: [],
    });
    report.callEnded(endedCall('c1', T + 1000));
    report.batchStored('app', 'c1', 'alice', true);
    report.batchStored('app', 'c1', 'bob', true);
    await vi.waitFor(async () =>
      expect((await storage.callQueries.search({ appKey: 'app', page: 1, size: 10 })).calls[0]?.qualityMos).toBe(4.2),
    );
    expect(rows).toHaveLength(0);
  });

  it('does not query the MOS of a call known to have none (single node), and waits for the records before querying', async () => {
    let meanMosQueries = 0;
    let recordsStoredCalls = 0;
    const telemetry = {
      ...storage.telemetry,
      meanMosByUser: async (appKey: string, callId: string) => {
        meanMosQueries++;
        return storage.telemetry.meanMosByUser(appKey, callId);
      },
    };
    const withKnowledge = new CallQualityReport({
      storage: { telemetry, outbox: storage.outbox },
      logger: pino({ level: 'silent' }),
      worker: undefined,
      callEventsOn: () => false,
      mayHaveMos: (_appKey, callId) => callId === 'c1',
      recordsStored: async () => {
        recordsStoredCalls++;
      },
    });
    withKnowledge.callEnded(endedCall('c9', T + 1000));
    withKnowledge.batchStored('app', 'c9', 'alice', true);
    withKnowledge.batchStored('app', 'c9', 'bob', true);
    await withKnowledge.close();
    expect([meanMosQueries, recordsStoredCalls]).toEqual([0, 0]);
    withKnowledge.callEnded(endedCall('c1', T + 1000));
    await withKnowledge.close();
    expect([meanMosQueries, recordsStoredCalls]).toEqual([1, 1]);
  });

  it('freezes count the last value of each received video track', () => {
    const summary = participantQuality('bob', [
      sample('bob', { kind: 'video', peerUserId: 'x', freezeCount: 2, freezeMs: 100 }),
      sample('bob', { kind: 'video', peerUserId: 'y', freezeCount: 1, freezeMs: 50 }),
      sample('bob', { kind: 'video', peerUserId: 'x', freezeCount: 4, freezeMs: 300 }),
    ]);
    expect([summary.freezeCount, summary.freezeMs]).toEqual([5, 350]);
  });
});
