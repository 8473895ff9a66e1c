/** Offline call records over any Kysely dialect (see kysely-storage.ts for the portability rules). */
import type { Kysely } from 'kysely';
import type { OfflineCallRecord, OfflineRecordStore } from '../../ports/index.js';
import { inTransaction } from './in-transaction.js';
import type { Database, OfflineRecordsTable } from './schema.js';

type Now = () => number;

/** Rows one call may list or trim at once. */
const MAX_ROWS = 1000;

function clampCount(value: number): number {
  return Math.max(0, Math.min(Math.trunc(value), MAX_ROWS));
}

function toRecord(r: OfflineRecordsTable): OfflineCallRecord {
  return {
    callId: r.call_id,
    conversationType: Number(r.conversation_type),
    targetId: r.target_id,
    channelId: r.channel_id,
    inviterId: r.inviter_id,
    mediaType: Number(r.media_type),
    endReason: Number(r.end_reason),
    beginTimestamp: Number(r.begin_timestamp),
    endTimestamp: Number(r.end_timestamp),
    duration: Number(r.duration),
  };
}

export function offlineRecordStore(db: Kysely<Database>, now: Now): OfflineRecordStore {
  return {
    async add(appKey, userId, record, keep) {
      const values = {
        conversation_type: record.conversationType,
        target_id: record.targetId,
        channel_id: record.channelId,
        inviter_id: record.inviterId,
        media_type: record.mediaType,
        end_reason: record.endReason,
        begin_timestamp: record.beginTimestamp,
        end_timestamp: record.endTimestamp,
        duration: record.duration,
      };
      await inTransaction(db, async (trx) => {
        // Storing the same call twice keeps one record, updated to the latest outcome, in its place.
        await trx
          .insertInto('offline_records')
          .values({ app_key: appKey, user_id: userId, call_id: record.callId, added_at: now(), ...values })
          .onConflict((oc) => oc.columns(['app_key', 'user_id', 'call_id']).doUpdateSet(values))
          .execute();
        // LIMIT + OFFSET (not OFFSET alone): the form both SQLite and Postgres accept.
        const excess = await trx
          .selectFrom('offline_records')
          .select('call_id')
          .where('app_key', '=', appKey)
          .where('user_id', '=', userId)
          .orderBy('added_at', 'desc')
          .orderBy('call_id', 'desc')
          .limit(MAX_ROWS)
          .offset(Math.max(0, Math.trunc(keep)))
          .execute();
        if (excess.length === 0) return;
        await trx
          .deleteFrom('offline_records')
          .where('app_key', '=', appKey)
          .where('user_id', '=', userId)
          .where(
            'call_id',
            'in',
            excess.map((r) => r.call_id),
          )
          .execute();
      });
    },
    async pending(appKey, userId, options) {
      const limit = clampCount(options.limit);
      if (limit === 0) return [];
      let query = db
        .selectFrom('offline_records')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('added_at', '>=', options.notBefore);
      if (options.exclude.length > 0) query = query.where('call_id', 'not in', [...options.exclude]);
      const rows = await query.orderBy('added_at').orderBy('call_id').limit(limit).execute();
      return rows.map(toRecord);
    },
    async remove(appKey, userId, callIds) {
      if (callIds.length === 0) return;
      await db
        .deleteFrom('offline_records')
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('call_id', 'in', [...new Set(callIds)])
        .execute();
    },
    async prune(before) {
      const result = await db.deleteFrom('offline_records').where('added_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
