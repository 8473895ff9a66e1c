/**
 * {@link CallQueries} on the stored calls (SQLite or Postgres through Kysely): the console and the
 * signed read API (`/call/*.json`) use the same queries. Each query is bounded (page size, day and
 * time ranges) and runs on an index; see call-search.ts, call-usage.ts and call-overview.ts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/storage/schema.js';
import type { StoredCallQueries } from '../../ports/insights.js';
import { callOverview } from './call-overview.js';
import { getCallSummary, searchCalls } from './call-search.js';
import { usagePerDay } from './call-usage.js';

/** The queries on `db` (kysely-storage.ts builds them for `Storage.callQueries`). */
export function createCallQueries(db: Kysely<Database>): StoredCallQueries {
  return {
    search: (query) => searchCalls(db, query),
    usagePerDay: (appKey, fromDay, toDay) => usagePerDay(db, appKey, fromDay, toDay),
    overview: (range) => callOverview(db, range),
    get: (appKey, callId) => getCallSummary(db, appKey, callId),
  };
}
