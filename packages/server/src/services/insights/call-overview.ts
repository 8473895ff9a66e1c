/**
 * The console overview's stored figures for one app and time range (`from ≤ t < to`, ms), each one
 * aggregate query on an indexed range:
 *
 * - calls per minute: records by `created_at` minute (minutes without calls are left out);
 * - setup p50 / p95: nearest-rank percentiles of each participant device's accept → first decoded
 *   frame, or accept → ICE connected when the frame was not measured (call_setup_timings by `at`);
 * - quality bands of the calls' `quality_mos` (good ≥ 4, fair ≥ 3.6, poor ≥ 3.1, bad below, none
 *   without telemetry) and the end-reason histogram, most frequent first.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../adapters/storage/schema.js';
import type { CallOverview, OverviewRange } from '../../ports/insights.js';
import { storedMos } from './quality-mos.js';
import { DAY_MS, DayRangeError } from './utc-days.js';

/** Longest range one overview covers (its per-minute series has at most this many minutes). */
export const MAX_OVERVIEW_MS = 31 * DAY_MS;

const MINUTE_MS = 60_000;
const minute = sql.lit(MINUTE_MS);

type Band = keyof CallOverview['qualityBands'];

/** The 1-based rank of the nearest-rank `p`-th percentile of `n` sorted values. */
export function nearestRank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(p * n)));
}

/**
 * @throws DayRangeError when `to ≤ from` or the range is longer than {@link MAX_OVERVIEW_MS}
 */
export async function callOverview(db: Kysely<Database>, range: OverviewRange): Promise<CallOverview> {
  const { appKey, from, to } = range;
  if (!(to > from)) throw new DayRangeError('an overview range needs to > from');
  if (to - from > MAX_OVERVIEW_MS) throw new DayRangeError(`an overview covers at most ${MAX_OVERVIEW_MS / DAY_MS} days`);
  const records = db.selectFrom('call_records').where('app_key', '=', appKey).where('created_at', '>=', from).where('created_at', '<', to);

  const [perMinute, bands, reasons, setupMs] = await Promise.all([
    records
      .select((eb) => [sql<number>`created_at / ${minute}`.as('minute'), eb.fn.countAll<number | string>().as('calls')])
      .groupBy(sql`created_at / ${minute}`)
      .orderBy(sql`created_at / ${minute}`)
      .execute(),
    records
      .select((eb) => [
        sql<Band>`case when ${storedMos} is null then 'none' when ${storedMos} >= 4 then 'good' when ${storedMos} >= 3.6 then 'fair' when ${storedMos} >= 3.1 then 'poor' else 'bad' end`.as(
          'band',
        ),
        eb.fn.countAll<number | string>().as('calls'),
      ])
      .groupBy(sql`1`)
      .execute(),
    records
      .select((eb) => ['end_reason', eb.fn.countAll<number | string>().as('calls')])
      .groupBy('end_reason')
      .execute(),
    setupPercentiles(db, range),
  ]);

  const qualityBands: CallOverview['qualityBands'] = { good: 0, fair: 0, poor: 0, bad: 0, none: 0 };
  for (const row of bands) qualityBands[row.band] += Number(row.calls);
  return {
    callsPerMinute: perMinute.map((row) => ({ minute: Number(row.minute) * MINUTE_MS, calls: Number(row.calls) })),
    setupMs,
    qualityBands,
    endReasons: reasons
      .map((row) => ({ reason: Number(row.end_reason), calls: Number(row.calls) }))
      .sort((a, b) => b.calls - a.calls || a.reason - b.reason),
  };
}

async function setupPercentiles(db: Kysely<Database>, { appKey, from, to }: OverviewRange): Promise<CallOverview['setupMs']> {
  const setup = sql<number>`coalesce(accept_to_first_frame_ms, accept_to_ice_connected_ms)`;
  const measured = db
    .selectFrom('call_setup_timings')
    .where('app_key', '=', appKey)
    .where('at', '>=', from)
    .where('at', '<', to)
    .where(sql<boolean>`${setup} is not null`);
  const counted = await measured.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const samples = Number(counted.n);
  if (samples === 0) return { samples };
  const valueAtRank = async (rank: number) => {
    const row = await measured
      .select(setup.as('ms'))
      .orderBy(setup)
      .limit(1)
      .offset(rank - 1)
      .executeTakeFirstOrThrow();
    return Number(row.ms);
  };
  const [p50, p95] = await Promise.all([valueAtRank(nearestRank(0.5, samples)), valueAtRank(nearestRank(0.95, samples))]);
  return { p50, p95, samples };
}
