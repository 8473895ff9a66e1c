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

/** The 1-based rank of the nearest-rank `percent`-th percentile of `n` sorted values: ⌈percent·n/100⌉ in integers (no float error). */
export function nearestRank(percent: number, n: number): number {
  return Math.min(n, Math.max(1, Math.floor((percent * n + 99) / 100)));
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

/**
 * Nearest-rank p50 and p95 in one sorted pass: each measured value gets its rank and the count, and
 * only the two ranks come back (`⌈p·n/100⌉ = (p·n+99)/100` in integer arithmetic, as {@link nearestRank}).
 */
async function setupPercentiles(db: Kysely<Database>, { appKey, from, to }: OverviewRange): Promise<CallOverview['setupMs']> {
  const result = await sql<{ ms: number | string; rank: number | string; n: number | string }>`
    select ms, rank, n from (
      select coalesce(accept_to_first_frame_ms, accept_to_ice_connected_ms) as ms,
        row_number() over (order by coalesce(accept_to_first_frame_ms, accept_to_ice_connected_ms)) as rank,
        count(*) over () as n
      from call_setup_timings
      where app_key = ${appKey} and at >= ${from} and at < ${to}
        and coalesce(accept_to_first_frame_ms, accept_to_ice_connected_ms) is not null
    ) ranked
    where rank = (50 * n + 99) / 100 or rank = (95 * n + 99) / 100`.execute(db);
  const first = result.rows[0];
  if (!first) return { samples: 0 };
  const samples = Number(first.n);
  const at = (rank: number) => Number(result.rows.find((row) => Number(row.rank) === rank)?.ms);
  return { p50: at(nearestRank(50, samples)), p95: at(nearestRank(95, samples)), samples };
}
