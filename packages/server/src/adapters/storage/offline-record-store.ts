/** Offline call records over any Kysely dialect (see kysely-storage.ts for the portability rules). */
import type { Kysely } from 'kysely';
import type { OfflineRecordStore } from '../../ports.js';
import { inTransaction } from './in-transaction.js';
import type { Database } from './schema.js';

type Now = () => number;

export function offlineRecordStore(db: Kysely<Database>, now: Now): OfflineRecordStore {
  return {
    async add(appKey, userId, record) {
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
      // Storing the same call twice keeps one record, updated to the latest outcome.
      await db
        .insertInto('offline_records')
        .values({ app_key: appKey, user_id: userId, call_id: record.callId, added_at: now(), ...values })
        .onConflict((oc) => oc.columns(['app_key', 'user_id', 'call_id']).doUpdateSet(values))
        .execute();
    },
    async take(appKey, userId, limit) {
      const count = Math.max(0, Math.min(Math.trunc(limit), 1000));
      if (count === 0) return [];
      return inTransaction(db, async (trx) => {
        const rows = await trx
          .selectFrom('offline_records')
          .selectAll()
          .where('app_key', '=', appKey)
          .where('user_id', '=', userId)
          .orderBy('added_at')
          .orderBy('call_id')
          .limit(count)
          .execute();
        if (rows.length === 0) return [];
        await trx
          .deleteFrom('offline_records')
          .where('app_key', '=', appKey)
          .where('user_id', '=', userId)
          .where(
            'call_id',
            'in',
            rows.map((r) => r.call_id),
          )
          .execute();
        return rows.map((r) => ({
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
        }));
      });
    },
  };
}
