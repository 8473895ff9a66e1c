import { RCCallEndReason } from '@opencall/protocol';
import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallSetupTimingsTable, Database } from '../../adapters/storage/schema.js';
import { describeEachEngine } from '../../adapters/storage/storage-engines.test-support.js';
import type { Storage } from '../../ports/index.js';
import type { CallSearch } from '../../ports/insights.js';
import { nearestRank } from './call-overview.js';
import { type SeedCall, seedCalls } from './call-seed.test-support.js';
import { DAY_MS, DayRangeError, dayIndex, dayName } from './utc-days.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-11-02 00:00 UTC. */
const D = Date.UTC(2026, 10, 2);

describe('utc days', () => {
  it('round-trips YYYY-MM-DD and refuses days that do not exist', () => {
    expect(dayName(dayIndex('2026-11-02'))).toBe('2026-11-02');
    expect(dayIndex('2026-11-02') * DAY_MS).toBe(D);
    expect(() => dayIndex('2026-02-31')).toThrow(DayRangeError);
    expect(() => dayIndex('2026-1-2')).toThrow(DayRangeError);
  });

  it('nearest rank: ⌈p·n/100⌉, within 1…n, without float error', () => {
    expect(nearestRank(50, 20)).toBe(10);
    expect(nearestRank(95, 20)).toBe(19);
    expect(nearestRank(95, 100)).toBe(95);
    expect(nearestRank(95, 1)).toBe(1);
    expect(nearestRank(50, 3)).toBe(2);
  });
});

describeEachEngine('call queries', (engine) => {
  let storage: Storage;
  let db: Kysely<Database>;
  beforeEach(async () => {
    ({ storage, db } = await engine.open());
  });
  const search = (query: Partial<CallSearch>) => storage.callQueries.search({ appKey: 'app', page: 1, size: 20, ...query });
  const ids = (result: { calls: { callId: string }[] }) => result.calls.map((c) => c.callId);

  describe('search', () => {
    const seeds: SeedCall[] = [
      {
        callId: 'c1',
        callerId: 'alice',
        callees: ['bob'],
        createdAt: D + 1 * MIN,
        beginAt: D + 1 * MIN + 5000,
        durationMs: 60_000,
        mos: 4.2,
      },
      { callId: 'c2', callerId: 'bob', callees: ['carol'], createdAt: D + 2 * MIN, endReason: RCCallEndReason.REMOTE_NO_RESPONSE },
      {
        callId: 'c3',
        callerId: 'carol',
        callees: ['alice', 'dave'],
        group: true,
        createdAt: D + 3 * MIN,
        beginAt: D + 3 * MIN,
        durationMs: 300_000,
        mos: 3.0,
      },
      { callId: 'c4', callerId: 'dave', callees: ['erin'], createdAt: D + 4 * MIN, beginAt: D + 4 * MIN, durationMs: 10_000, mos: 3.7 },
      { callId: 'c5', callerId: 'alice', callees: ['erin'], createdAt: D + 5 * MIN, endReason: RCCallEndReason.CANCEL },
      { callId: 'other-app', appKey: 'other', callerId: 'alice', createdAt: D + 6 * MIN },
    ];
    beforeEach(() => seedCalls(storage, db, seeds));

    it('answers the app’s calls newest first, with participants, total and quality summary', async () => {
      const result = await search({});
      expect(result.total).toBe(5);
      expect(ids(result)).toEqual(['c5', 'c4', 'c3', 'c2', 'c1']);
      const c3 = result.calls.find((c) => c.callId === 'c3');
      expect(c3?.participants.map((p) => p.userId)).toEqual(['carol', 'alice', 'dave']);
      expect(c3?.qualityMos).toBeCloseTo(3.0, 5);
      expect(result.calls.find((c) => c.callId === 'c2')?.qualityMos).toBeUndefined();
    });

    it('filters by user as caller or participant', async () => {
      expect(ids(await search({ userId: 'alice' }))).toEqual(['c5', 'c3', 'c1']);
      expect(ids(await search({ userId: 'erin' }))).toEqual(['c5', 'c4']);
      expect((await search({ userId: 'nobody' })).total).toBe(0);
    });

    it('filters by time range [from, to), end reason, duration and MOS', async () => {
      expect(ids(await search({ from: D + 2 * MIN, to: D + 4 * MIN }))).toEqual(['c3', 'c2']);
      expect(ids(await search({ endReason: RCCallEndReason.REMOTE_NO_RESPONSE }))).toEqual(['c2']);
      expect(ids(await search({ minDurationMs: 60_000 }))).toEqual(['c3', 'c1']);
      expect(ids(await search({ minDurationMs: 1, maxDurationMs: 60_000 }))).toEqual(['c4', 'c1']);
      expect(ids(await search({ minMos: 3.6 }))).toEqual(['c4', 'c1']);
      expect(ids(await search({ maxMos: 3.6 }))).toEqual(['c3']);
      expect(ids(await search({ userId: 'alice', minDurationMs: 1, minMos: 4 }))).toEqual(['c1']);
    });

    it('pages with a bounded size; past the end is an empty page with the total', async () => {
      expect(ids(await search({ size: 2, page: 1 }))).toEqual(['c5', 'c4']);
      expect(ids(await search({ size: 2, page: 2 }))).toEqual(['c3', 'c2']);
      expect(ids(await search({ size: 2, page: 3 }))).toEqual(['c1']);
      expect(await search({ size: 2, page: 4 })).toEqual({ total: 5, calls: [] });
      expect((await search({ size: 1000 })).calls).toHaveLength(5);
      expect(ids(await search({ size: Number.NaN, page: Number.NaN }))).toEqual(['c5']);
    });

    it('gets one call with its quality summary, undefined for another app’s or an unknown id', async () => {
      const call = await storage.callQueries.get('app', 'c1');
      expect(call?.durationMs).toBe(60_000);
      expect(call?.participants.map((p) => [p.userId, p.isCaller])).toEqual([
        ['alice', true],
        ['bob', false],
      ]);
      expect(call?.qualityMos).toBeCloseTo(4.2, 5);
      expect(await storage.callQueries.get('app', 'other-app')).toBeUndefined();
      expect(await storage.callQueries.get('app', 'missing')).toBeUndefined();
    });
  });

  describe('usage per day', () => {
    // Worked example over 2026-11-02 (D) … 2026-11-05 (D+3).
    const seeds: SeedCall[] = [
      // Placed the day before, still running on D until 10:04:30.
      { callId: 'c0', createdAt: D - HOUR, beginAt: D - HOUR, durationMs: HOUR + 10 * HOUR + 4.5 * MIN },
      { callId: 'c1', createdAt: D + 10 * HOUR, beginAt: D + 10 * HOUR + 10_000, durationMs: 5 * MIN },
      { callId: 'c2', video: true, createdAt: D + 10 * HOUR + 2 * MIN, beginAt: D + 10 * HOUR + 2 * MIN, durationMs: 3 * MIN },
      // At 10:03 c0, c1, c2 and c3 are connected: the peak of D is 4.
      {
        callId: 'c3',
        video: true,
        group: true,
        callees: ['b', 'c'],
        createdAt: D + 10 * HOUR + 3 * MIN,
        beginAt: D + 10 * HOUR + 3 * MIN,
        durationMs: MIN,
      },
      // 23:50 → D+1 00:10.
      {
        callId: 'c4',
        group: true,
        callees: ['b', 'c'],
        createdAt: D + 23 * HOUR + 50 * MIN,
        beginAt: D + 23 * HOUR + 50 * MIN,
        durationMs: 20 * MIN,
      },
      // Begins when c4 ends: back to back, not concurrent.
      { callId: 'c5', createdAt: D + DAY_MS + 10 * MIN, beginAt: D + DAY_MS + 10 * MIN, durationMs: 10 * MIN },
      { callId: 'c6', createdAt: D + DAY_MS + HOUR, endReason: RCCallEndReason.REMOTE_NO_RESPONSE },
      // D+1 23:00 → D+3 01:00: D+2 has no edge and a level of 1 all day.
      { callId: 'c7', video: true, createdAt: D + DAY_MS + 23 * HOUR, beginAt: D + DAY_MS + 23 * HOUR, durationMs: 26 * HOUR },
      // D+2 22:00 → D+3 00:00 exactly: concurrent with c7 on D+2, not counted on D+3.
      { callId: 'c8', createdAt: D + 2 * DAY_MS + 22 * HOUR, beginAt: D + 2 * DAY_MS + 22 * HOUR, durationMs: 2 * HOUR },
      { callId: 'x', appKey: 'other', createdAt: D + 10 * HOUR, beginAt: D + 10 * HOUR, durationMs: 10 * HOUR },
    ];
    beforeEach(() => seedCalls(storage, db, seeds));

    it('counts calls and connected minutes by the day the call was placed, split audio/video × 1:1/group', async () => {
      const days = await storage.callQueries.usagePerDay('app', '2026-11-02', '2026-11-05');
      expect(days.map((d) => [d.day, d.calls, d.minutes])).toEqual([
        ['2026-11-02', 4, { audio1v1: 5, video1v1: 3, audioGroup: 20, videoGroup: 1 }],
        ['2026-11-03', 3, { audio1v1: 10, video1v1: 1560, audioGroup: 0, videoGroup: 0 }],
        ['2026-11-04', 1, { audio1v1: 120, video1v1: 0, audioGroup: 0, videoGroup: 0 }],
        ['2026-11-05', 0, { audio1v1: 0, video1v1: 0, audioGroup: 0, videoGroup: 0 }],
      ]);
    });

    it('computes the peak of concurrent calls from the begin/end intervals', async () => {
      const days = await storage.callQueries.usagePerDay('app', '2026-11-01', '2026-11-06');
      expect(days.map((d) => [d.day, d.peakConcurrentCalls])).toEqual([
        ['2026-11-01', 1],
        ['2026-11-02', 4],
        ['2026-11-03', 1],
        ['2026-11-04', 2],
        ['2026-11-05', 1],
        ['2026-11-06', 0],
      ]);
      // A range starting mid-story carries the calls begun before it.
      const later = await storage.callQueries.usagePerDay('app', '2026-11-04', '2026-11-04');
      expect(later.map((d) => d.peakConcurrentCalls)).toEqual([2]);
    });

    it('refuses malformed, reversed and too long ranges', async () => {
      await expect(storage.callQueries.usagePerDay('app', '2026-11-31', '2026-12-01')).rejects.toThrow(DayRangeError);
      await expect(storage.callQueries.usagePerDay('app', '2026-11-05', '2026-11-04')).rejects.toThrow(DayRangeError);
      await expect(storage.callQueries.usagePerDay('app', '2025-01-01', '2026-11-04')).rejects.toThrow(DayRangeError);
    });
  });

  describe('overview', () => {
    beforeEach(async () => {
      await seedCalls(storage, db, [
        { callId: 'a', createdAt: D + 10_000, beginAt: D + 10_000, durationMs: MIN, mos: 4.3 },
        { callId: 'b', createdAt: D + 50_000, beginAt: D + 50_000, durationMs: MIN, mos: 3.6 },
        { callId: 'c', createdAt: D + 2 * MIN, beginAt: D + 2 * MIN, durationMs: MIN, mos: 3.2 },
        { callId: 'd', createdAt: D + 2 * MIN + 1, beginAt: D + 2 * MIN + 1, durationMs: MIN, mos: 2.5 },
        { callId: 'e', createdAt: D + 2 * MIN + 2, endReason: RCCallEndReason.REMOTE_NO_RESPONSE },
        { callId: 'f', createdAt: D + 2 * MIN + 3, endReason: RCCallEndReason.REMOTE_NO_RESPONSE },
        { callId: 'outside', createdAt: D + HOUR },
      ]);
      // 20 measured devices: 1…20 × 10 ms, half from the first frame, half from ICE only; one unmeasured.
      const rows: CallSetupTimingsTable[] = Array.from({ length: 20 }, (_, i) => ({
        app_key: 'app',
        call_id: 'a',
        user_id: `u${i}`,
        device_id: 'd',
        at: D + 1000 + i,
        invite_to_ringing_ms: 5,
        accept_to_ice_connected_ms: i % 2 === 0 ? (i + 1) * 10 : 1,
        accept_to_first_frame_ms: i % 2 === 0 ? null : (i + 1) * 10,
      }));
      rows.push({ ...rows[0]!, user_id: 'unmeasured', accept_to_ice_connected_ms: null, accept_to_first_frame_ms: null });
      rows.push({ ...rows[0]!, user_id: 'late', at: D + HOUR, accept_to_first_frame_ms: 99_999 });
      await db.insertInto('call_setup_timings').values(rows).execute();
    });

    it('answers calls per minute, setup percentiles, quality bands and end reasons for [from, to)', async () => {
      const overview = await storage.callQueries.overview({ appKey: 'app', from: D, to: D + 30 * MIN });
      expect(overview.callsPerMinute).toEqual([
        { minute: D, calls: 2 },
        { minute: D + 2 * MIN, calls: 4 },
      ]);
      expect(overview.setupMs).toEqual({ p50: 100, p95: 190, samples: 20 });
      expect(overview.qualityBands).toEqual({ good: 1, fair: 1, poor: 1, bad: 1, none: 2 });
      expect(overview.endReasons).toEqual([
        { reason: RCCallEndReason.HANGUP, calls: 4 },
        { reason: RCCallEndReason.REMOTE_NO_RESPONSE, calls: 2 },
      ]);
    });

    it('percentiles of 100 samples 1…100 ms are the 50th and the 95th', async () => {
      const rows: CallSetupTimingsTable[] = Array.from({ length: 100 }, (_, i) => ({
        app_key: 'app2',
        call_id: 'x',
        user_id: `u${i}`,
        device_id: 'd',
        at: D + ((i * 37) % 100),
        invite_to_ringing_ms: null,
        accept_to_ice_connected_ms: 5000,
        accept_to_first_frame_ms: ((i * 37) % 100) + 1,
      }));
      await db.insertInto('call_setup_timings').values(rows).execute();
      const overview = await storage.callQueries.overview({ appKey: 'app2', from: D, to: D + HOUR });
      expect(overview.setupMs).toEqual({ p50: 50, p95: 95, samples: 100 });
    });

    it('answers empty figures for an empty range and refuses a reversed or too long one', async () => {
      expect(await storage.callQueries.overview({ appKey: 'app', from: D - DAY_MS, to: D })).toEqual({
        callsPerMinute: [],
        setupMs: { samples: 0 },
        qualityBands: { good: 0, fair: 0, poor: 0, bad: 0, none: 0 },
        endReasons: [],
      });
      await expect(storage.callQueries.overview({ appKey: 'app', from: D, to: D })).rejects.toThrow(DayRangeError);
      await expect(storage.callQueries.overview({ appKey: 'app', from: D, to: D + 40 * DAY_MS })).rejects.toThrow(DayRangeError);
    });
  });
});
