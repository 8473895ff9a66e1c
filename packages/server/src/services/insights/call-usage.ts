/**
 * Usage per UTC day (console "Usage", `POST /call/usage.json`), computed in the database:
 *
 * - `calls` and `minutes` belong to the day the call was placed (`created_at`), like a bill; minutes
 *   are the call's connected duration (not per participant), split audio / video × 1:1 / group.
 * - `peakConcurrentCalls` is the most calls connected at one instant of the day, from the intervals
 *   `[begin_at, end_at)` of the calls overlapping the range: each call is a +1 edge at its begin and a
 *   −1 edge at its end, a running sum (window function) gives the level after every edge, and a day's
 *   peak is the larger of its level at midnight (carried from earlier edges) and its edges' levels.
 *   An end edge belongs to the day of `end_at − 1`, so a call ending at midnight is not counted in
 *   the next day; at equal times ends sort before begins, so back-to-back calls do not overlap.
 */

import { CALL_USAGE_MAX_DAYS, ConversationType, RCCallMediaType } from '@opencall/protocol';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../adapters/storage/schema.js';
import type { UsageDay } from '../../ports/insights.js';
import { DAY_MS, DayRangeError, dayIndex, dayName } from './utc-days.js';

/** Longest range one usage query covers. */
export const MAX_USAGE_DAYS = CALL_USAGE_MAX_DAYS;

const day = sql.lit(DAY_MS);

function emptyDay(index: number): UsageDay {
  return { day: dayName(index), calls: 0, minutes: { audio1v1: 0, video1v1: 0, audioGroup: 0, videoGroup: 0 }, peakConcurrentCalls: 0 };
}

function minutesKey(mediaType: number, conversationType: number): keyof UsageDay['minutes'] {
  const group = conversationType === ConversationType.GROUP;
  if (mediaType === RCCallMediaType.AUDIO) return group ? 'audioGroup' : 'audio1v1';
  return group ? 'videoGroup' : 'video1v1';
}

/** Minutes with two decimals (sums of ms stay exact until the end). */
function toMinutes(ms: number): number {
  return Math.round(ms / 600) / 100;
}

/**
 * One entry per day from `fromDay` to `toDay` (inclusive, `YYYY-MM-DD`, UTC), days without calls included.
 * @throws DayRangeError for a malformed day, `toDay` before `fromDay`, or more than {@link MAX_USAGE_DAYS} days
 */
export async function usagePerDay(db: Kysely<Database>, appKey: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
  const first = dayIndex(fromDay);
  const last = dayIndex(toDay);
  if (last < first) throw new DayRangeError(`${toDay} is before ${fromDay}`);
  if (last - first + 1 > MAX_USAGE_DAYS) throw new DayRangeError(`a usage range covers at most ${MAX_USAGE_DAYS} days`);
  const from = first * DAY_MS;
  const to = (last + 1) * DAY_MS;
  const days = Array.from({ length: last - first + 1 }, (_, i) => emptyDay(first + i));

  const totals = await db
    .selectFrom('call_records')
    .select((eb) => [
      sql<number>`created_at / ${day}`.as('day'),
      'media_type',
      'conversation_type',
      eb.fn.countAll<number | string>().as('calls'),
      eb.fn.sum<number | string>('duration_ms').as('duration_ms'),
    ])
    .where('app_key', '=', appKey)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy([sql`created_at / ${day}`, 'media_type', 'conversation_type'])
    .execute();
  const durations = new Map<UsageDay, Record<keyof UsageDay['minutes'], number>>();
  for (const row of totals) {
    const entry = days[Number(row.day) - first];
    if (!entry) continue;
    entry.calls += Number(row.calls);
    const ms = durations.get(entry) ?? { audio1v1: 0, video1v1: 0, audioGroup: 0, videoGroup: 0 };
    ms[minutesKey(Number(row.media_type), Number(row.conversation_type))] += Number(row.duration_ms ?? 0);
    durations.set(entry, ms);
  }
  for (const [entry, ms] of durations) {
    entry.minutes = {
      audio1v1: toMinutes(ms.audio1v1),
      video1v1: toMinutes(ms.video1v1),
      audioGroup: toMinutes(ms.audioGroup),
      videoGroup: toMinutes(ms.videoGroup),
    };
  }

  await fillPeaks(db, appKey, from, to, first, days);
  return days;
}

interface DayLevels {
  day: number | string;
  peak: number | string;
  net: number | string;
}

async function fillPeaks(db: Kysely<Database>, appKey: string, from: number, to: number, first: number, days: UsageDay[]): Promise<void> {
  const overlapping = sql`app_key = ${appKey} and begin_at > 0 and end_at > begin_at and end_at > ${from} and begin_at < ${to}`;
  const result = await sql<DayLevels>`
    with edges as (
      select begin_at as t, 1 as delta, begin_at / ${day} as d from call_records where ${overlapping}
      union all
      select end_at as t, -1 as delta, (end_at - 1) / ${day} as d from call_records where ${overlapping}
    ), levels as (
      select d, delta, sum(delta) over (order by t, delta rows between unbounded preceding and current row) as level from edges
    )
    select d as day, max(level) as peak, sum(delta) as net from levels group by d order by d`.execute(db);
  // Walk the days in order: a day with edges peaks at max(level at its midnight, its edges' levels);
  // a day without edges stays at the level carried into it. Days before the range only carry.
  const levels = new Map(result.rows.map((row) => [Number(row.day), { peak: Number(row.peak), net: Number(row.net) }]));
  let level = result.rows.filter((row) => Number(row.day) < first).reduce((sum, row) => sum + Number(row.net), 0);
  days.forEach((entry, offset) => {
    const edges = levels.get(first + offset);
    entry.peakConcurrentCalls = edges ? Math.max(level, edges.peak) : level;
    level += edges?.net ?? 0;
  });
}
