/**
 * Call-record search (console "Call records", `POST /call/query.json`): filters on the indexed
 * `(app_key, created_at)` range, newest first, one page of records plus the total, and the page's
 * participants in one query (no N+1).
 */
import { CALL_QUERY_MAX_PAGE, CALL_QUERY_MAX_PAGE_SIZE } from '@opencall/protocol';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { toCallRecord } from '../../adapters/storage/call-record-rows.js';
import type { CallParticipantsTable, Database } from '../../adapters/storage/schema.js';
import type { CallSearch, CallSummary } from '../../ports/insights.js';
import { roundMos, storedMos } from './quality-mos.js';

/** Largest page a search answers. */
export const MAX_SEARCH_PAGE_SIZE = CALL_QUERY_MAX_PAGE_SIZE;
/** Deepest page a search answers (bounds the OFFSET the database skips). */
export const MAX_SEARCH_PAGE = CALL_QUERY_MAX_PAGE;

type RecordQuery = SelectQueryBuilder<Database, 'call_records', object>;

/** `query` restricted to the calls matching `search` (every filter optional but the app). */
function matching(query: RecordQuery, search: CallSearch): RecordQuery {
  let q = query.where('call_records.app_key', '=', search.appKey);
  const { userId } = search;
  if (userId !== undefined) {
    // Caller or participant: the caller is a participant row too. Starting from the user's rows
    // (call_participants_by_user) reads only their calls, whatever the app's volume.
    q = q.where('call_records.call_id', 'in', (eb) =>
      eb
        .selectFrom('call_participants')
        .select('call_participants.call_id')
        .where('call_participants.app_key', '=', search.appKey)
        .where('call_participants.user_id', '=', userId),
    );
  }
  if (search.from !== undefined) q = q.where('call_records.created_at', '>=', search.from);
  if (search.to !== undefined) q = q.where('call_records.created_at', '<', search.to);
  if (search.endReason !== undefined) q = q.where('call_records.end_reason', '=', search.endReason);
  if (search.minDurationMs !== undefined) q = q.where('call_records.duration_ms', '>=', search.minDurationMs);
  if (search.maxDurationMs !== undefined) q = q.where('call_records.duration_ms', '<=', search.maxDurationMs);
  if (search.minMos !== undefined) q = q.where(storedMos, '>=', search.minMos);
  if (search.maxMos !== undefined) q = q.where(storedMos, '<=', search.maxMos);
  return q;
}

/** `value` as an integer within [min, max]; not a finite number → min. */
function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(Math.trunc(value), min), max) : min;
}

/** One page of the calls matching `search` (newest first) and how many match in all. */
export async function searchCalls(db: Kysely<Database>, search: CallSearch): Promise<{ total: number; calls: CallSummary[] }> {
  const size = clamp(search.size, 1, MAX_SEARCH_PAGE_SIZE);
  const page = clamp(search.page, 1, MAX_SEARCH_PAGE);
  const counted = await matching(db.selectFrom('call_records'), search)
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const total = Number(counted.total);
  if (total === 0 || (page - 1) * size >= total) return { total, calls: [] };
  const rows = await matching(db.selectFrom('call_records'), search)
    .selectAll('call_records')
    .orderBy('call_records.created_at', 'desc')
    .orderBy('call_records.call_id', 'desc')
    .limit(size)
    .offset((page - 1) * size)
    .execute();
  const participants = await participantsOf(
    db,
    search.appKey,
    rows.map((r) => r.call_id),
  );
  return {
    total,
    calls: rows.map((row) => {
      const summary: CallSummary = toCallRecord(row, participants.get(row.call_id) ?? []);
      if (row.quality_mos !== null) summary.qualityMos = roundMos(Number(row.quality_mos));
      return summary;
    }),
  };
}

/** The participant rows of `callIds`, by call (one query). */
async function participantsOf(db: Kysely<Database>, appKey: string, callIds: string[]): Promise<Map<string, CallParticipantsTable[]>> {
  const byCall = new Map<string, CallParticipantsTable[]>();
  if (callIds.length === 0) return byCall;
  const rows = await db.selectFrom('call_participants').selectAll().where('app_key', '=', appKey).where('call_id', 'in', callIds).execute();
  for (const row of rows) {
    const list = byCall.get(row.call_id);
    if (list) list.push(row);
    else byCall.set(row.call_id, [row]);
  }
  return byCall;
}

/** One stored call with its quality summary, or undefined when the app has no such call. */
export async function getCallSummary(db: Kysely<Database>, appKey: string, callId: string): Promise<CallSummary | undefined> {
  const row = await db
    .selectFrom('call_records')
    .selectAll()
    .where('app_key', '=', appKey)
    .where('call_id', '=', callId)
    .executeTakeFirst();
  if (!row) return undefined;
  const participants = await participantsOf(db, appKey, [callId]);
  const summary: CallSummary = toCallRecord(row, participants.get(callId) ?? []);
  if (row.quality_mos !== null) summary.qualityMos = roundMos(Number(row.quality_mos));
  return summary;
}
