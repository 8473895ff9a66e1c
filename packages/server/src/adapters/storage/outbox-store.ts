/**
 * The transactional outbox over any Kysely dialect. A claim is one statement: a CTE picks the due
 * rows (on Postgres `FOR UPDATE SKIP LOCKED`, so nodes claiming at once skip each other's rows
 * instead of waiting; SQLite runs one writer at a time, so the statement alone is atomic there) and
 * the UPDATE takes them, checking again that each is still claimable.
 */
import { type ExpressionBuilder, type Kysely, PostgresAdapter, type Selectable } from 'kysely';
import type { NewOutboxRow, OutboxRow, OutboxStore } from '../../ports/index.js';
import type { Database, OutboxTable } from './schema.js';

/** Rows one statement may insert or claim. */
const MAX_ROWS = 500;
/** Longest `last_error` kept. */
const MAX_ERROR_CHARS = 1000;

type OutboxRef = ExpressionBuilder<Database & { o: OutboxTable }, 'o'>;

function toRow(r: Selectable<OutboxTable>): OutboxRow {
  return {
    id: r.id,
    topic: r.topic,
    orderKey: r.order_key,
    payload: r.payload,
    createdAt: Number(r.created_at),
    dueAt: Number(r.due_at),
    attempts: Number(r.attempts),
    lastError: r.last_error ?? undefined,
    claimedBy: r.claimed_by ?? undefined,
    claimedUntil: r.claimed_until === null ? undefined : Number(r.claimed_until),
    failedAt: r.failed_at === null ? undefined : Number(r.failed_at),
  };
}

/** Delivery order: by due time, then creation, then id. */
function byDueOrder(a: OutboxRow, b: OutboxRow): number {
  return a.dueAt - b.dueAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const truncate = (error: string) => (error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS - 1)}…` : error);

/** No row of the same order key that is still to deliver comes before `o` (created earlier, or at once with a smaller id). */
function firstOfItsKey(eb: OutboxRef) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('outbox as e')
        .select('e.id')
        .whereRef('e.order_key', '=', 'o.order_key')
        .where('e.failed_at', 'is', null)
        .where((x) =>
          x.or([
            x('e.created_at', '<', x.ref('o.created_at')),
            x.and([x('e.created_at', '=', x.ref('o.created_at')), x('e.id', '<', x.ref('o.id'))]),
          ]),
        ),
    ),
  );
}

export function outboxStore(db: Kysely<Database>): OutboxStore {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    async enqueue(rows) {
      let added = 0;
      for (let start = 0; start < rows.length; start += MAX_ROWS) {
        const chunk = rows.slice(start, start + MAX_ROWS).map((row: NewOutboxRow) => ({
          id: row.id,
          topic: row.topic,
          order_key: row.orderKey,
          payload: row.payload,
          created_at: row.createdAt,
          due_at: row.dueAt,
        }));
        const result = await db
          .insertInto('outbox')
          .values(chunk)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      return added;
    },

    async claimDue(nodeId, now, limit, leaseMs, topics) {
      const count = Math.max(0, Math.min(Math.trunc(limit), MAX_ROWS));
      if (count === 0 || topics.length === 0) return [];
      const claimable = (eb: ExpressionBuilder<Database, 'outbox'>) =>
        eb.and([eb('failed_at', 'is', null), eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)])]);
      const rows = await db
        .with(
          (cte) => cte('due').materialized(),
          (qb) => {
            const due = qb
              .selectFrom('outbox as o')
              .select('o.id')
              .where('o.topic', 'in', [...topics])
              .where('o.failed_at', 'is', null)
              .where('o.due_at', '<=', now)
              .where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<=', now)]))
              .where((eb) => firstOfItsKey(eb))
              .orderBy('o.due_at')
              .orderBy('o.created_at')
              .orderBy('o.id')
              .limit(count);
            return postgres ? due.forUpdate().skipLocked() : due;
          },
        )
        .updateTable('outbox')
        .set((eb) => ({ claimed_by: nodeId, claimed_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
        .where((eb) => claimable(eb))
        .returningAll()
        .execute();
      return rows.map(toRow).sort(byDueOrder);
    },

    async complete(id) {
      await db.deleteFrom('outbox').where('id', '=', id).execute();
    },

    async retryLater(id, nodeId, dueAt, error) {
      const result = await db
        .updateTable('outbox')
        .set({ due_at: dueAt, last_error: truncate(error), claimed_by: null, claimed_until: null })
        .where('id', '=', id)
        .where('claimed_by', '=', nodeId)
        .where('failed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async giveUp(id, nodeId, error, at) {
      const result = await db
        .updateTable('outbox')
        .set({ failed_at: at, last_error: truncate(error), claimed_by: null, claimed_until: null })
        .where('id', '=', id)
        .where('claimed_by', '=', nodeId)
        .where('failed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async prune(before) {
      const result = await db.deleteFrom('outbox').where('failed_at', 'is not', null).where('failed_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async get(id) {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRow(row) : undefined;
    },

    async list(query) {
      if (query.topics.length === 0 || query.orderKeyPrefixes?.length === 0) return { total: 0, rows: [] };
      const prefixes = query.orderKeyPrefixes;
      let matching = db.selectFrom('outbox').where('topic', 'in', [...query.topics]);
      if (query.status === 'pending') matching = matching.where('failed_at', 'is', null);
      if (query.status === 'failed') matching = matching.where('failed_at', 'is not', null);
      // substr() rather than LIKE: no wildcard to escape, and both engines have it.
      if (prefixes)
        matching = matching.where((eb) =>
          eb.or(prefixes.map((prefix) => eb(eb.fn('substr', ['order_key', eb.val(1), eb.val(prefix.length)]), '=', prefix))),
        );
      const counted = await matching.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      const rows = await matching
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .offset(Math.max(0, Math.trunc(query.offset)))
        .limit(Math.max(0, Math.min(Math.trunc(query.limit), MAX_ROWS)))
        .execute();
      return { total: Number(counted?.n ?? 0), rows: rows.map(toRow) };
    },

    async replay(id, now) {
      const result = await db
        .updateTable('outbox')
        .set({ due_at: now, attempts: 0, failed_at: null })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
