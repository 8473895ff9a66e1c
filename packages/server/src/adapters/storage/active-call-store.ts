/**
 * The journal of calls in flight over any Kysely dialect. Writes are fenced by the row's owner epoch:
 * an upsert only updates a row at the writer's epoch (ON CONFLICT … DO UPDATE … WHERE), a takeover
 * raises the epoch with a compare-and-set.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ActiveCallSnapshot, ActiveCallStore } from '../../ports/index.js';
import type { ActiveCallsTable, Database } from './schema.js';

function fromRow(r: Selectable<ActiveCallsTable>): ActiveCallSnapshot {
  return {
    appKey: r.app_key,
    callId: r.call_id,
    snapshot: r.snapshot,
    updatedAt: Number(r.updated_at),
    ownerNode: r.owner_node,
    ownerEpoch: Number(r.owner_epoch),
  };
}

/** Rows per multi-row upsert: 6 parameters each, well under SQLite's and Postgres's parameter limits. */
const ROWS_PER_STATEMENT = 500;
const KEY_SEP = '\u0000';

export function activeCallStore(db: Kysely<Database>): ActiveCallStore {
  return {
    async save({ appKey, callId, snapshot, updatedAt, ownerNode, ownerEpoch }) {
      const result = await db
        .insertInto('active_calls')
        .values({ app_key: appKey, call_id: callId, snapshot, updated_at: updatedAt, owner_node: ownerNode, owner_epoch: ownerEpoch })
        .onConflict((oc) =>
          oc
            .columns(['app_key', 'call_id'])
            .doUpdateSet({ snapshot, updated_at: updatedAt, owner_node: ownerNode })
            .where('active_calls.owner_epoch', '=', ownerEpoch),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async saveMany(entries) {
      const written = new Set<string>();
      for (let start = 0; start < entries.length; start += ROWS_PER_STATEMENT) {
        const rows = await db
          .insertInto('active_calls')
          .values(
            entries.slice(start, start + ROWS_PER_STATEMENT).map((e) => ({
              app_key: e.appKey,
              call_id: e.callId,
              snapshot: e.snapshot,
              updated_at: e.updatedAt,
              owner_node: e.ownerNode,
              owner_epoch: e.ownerEpoch,
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['app_key', 'call_id'])
              .doUpdateSet(({ ref }) => ({
                snapshot: ref('excluded.snapshot'),
                updated_at: ref('excluded.updated_at'),
                owner_node: ref('excluded.owner_node'),
              }))
              .where(({ eb, ref }) => eb('active_calls.owner_epoch', '=', ref('excluded.owner_epoch'))),
          )
          // Rows the WHERE kept from updating (fenced) are not returned.
          .returning(['app_key', 'call_id'])
          .execute();
        for (const row of rows) written.add(row.app_key + KEY_SEP + row.call_id);
      }
      return entries.map((e) => written.has(e.appKey + KEY_SEP + e.callId));
    },
    async removeMany(entries) {
      const removed = new Set<string>();
      for (let start = 0; start < entries.length; start += ROWS_PER_STATEMENT) {
        const batch = entries.slice(start, start + ROWS_PER_STATEMENT);
        const rows = await db
          .deleteFrom('active_calls')
          .where(({ eb, and, or }) =>
            or(batch.map((e) => and([eb('app_key', '=', e.appKey), eb('call_id', '=', e.callId), eb('owner_epoch', '=', e.ownerEpoch)]))),
          )
          .returning(['app_key', 'call_id'])
          .execute();
        for (const row of rows) removed.add(row.app_key + KEY_SEP + row.call_id);
      }
      return entries.map((e) => removed.has(e.appKey + KEY_SEP + e.callId));
    },
    async remove(appKey, callId, ownerEpoch) {
      let query = db.deleteFrom('active_calls').where('app_key', '=', appKey).where('call_id', '=', callId);
      if (ownerEpoch !== undefined) query = query.where('owner_epoch', '=', ownerEpoch);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async all() {
      const rows = await db.selectFrom('active_calls').selectAll().orderBy('updated_at').execute();
      return rows.map(fromRow);
    },
    async get(appKey, callId) {
      const row = await db
        .selectFrom('active_calls')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async orphaned(liveNodes, limit) {
      let query = db.selectFrom('active_calls').selectAll();
      if (liveNodes.length > 0) query = query.where('owner_node', 'not in', [...liveNodes]);
      const rows = await query.orderBy('updated_at').limit(limit).execute();
      return rows.map(fromRow);
    },
    async claim(appKey, callId, ownerNode, expectedEpoch) {
      const row = await db
        .updateTable('active_calls')
        .set({ owner_node: ownerNode, owner_epoch: expectedEpoch + 1 })
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .where('owner_epoch', '=', expectedEpoch)
        .returningAll()
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
  };
}
