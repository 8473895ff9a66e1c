/** The journal of calls in flight over any Kysely dialect. */
import type { Kysely } from 'kysely';
import type { ActiveCallStore } from '../../ports/index.js';
import type { Database } from './schema.js';

export function activeCallStore(db: Kysely<Database>): ActiveCallStore {
  return {
    async save({ appKey, callId, snapshot, updatedAt }) {
      await db
        .insertInto('active_calls')
        .values({ app_key: appKey, call_id: callId, snapshot, updated_at: updatedAt })
        .onConflict((oc) => oc.columns(['app_key', 'call_id']).doUpdateSet({ snapshot, updated_at: updatedAt }))
        .execute();
    },
    async remove(appKey, callId) {
      await db.deleteFrom('active_calls').where('app_key', '=', appKey).where('call_id', '=', callId).execute();
    },
    async all() {
      const rows = await db.selectFrom('active_calls').selectAll().orderBy('updated_at').execute();
      return rows.map((r) => ({ appKey: r.app_key, callId: r.call_id, snapshot: r.snapshot, updatedAt: Number(r.updated_at) }));
    },
  };
}
