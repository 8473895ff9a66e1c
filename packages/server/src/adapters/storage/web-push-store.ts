/** Web Push keys and subscriptions over any Kysely dialect (migration 0010). */
import type { Kysely, Selectable } from 'kysely';
import type { WebPushStore, WebPushSubscriptionRecord } from '../../ports/index.js';
import type { Database, WebPushSubscriptionsTable } from './schema.js';

const VAPID_ROW = 'vapid';

function toRecord(row: Selectable<WebPushSubscriptionsTable>): WebPushSubscriptionRecord {
  return {
    appKey: row.app_key,
    userId: row.user_id,
    deviceId: row.device_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    capabilityHash: row.capability_hash,
    createdAt: Number(row.created_at),
    lastOkAt: row.last_ok_at === null ? undefined : Number(row.last_ok_at),
  };
}

export function webPushStore(db: Kysely<Database>): WebPushStore {
  return {
    async vapidKeys(generate, now) {
      const stored = await db
        .selectFrom('web_push_keys')
        .select(['public_key', 'private_key'])
        .where('id', '=', VAPID_ROW)
        .executeTakeFirst();
      if (stored) return { publicKey: stored.public_key, privateKey: stored.private_key };
      const keys = generate();
      // Two nodes starting together: the first insert wins and both read it back.
      await db
        .insertInto('web_push_keys')
        .values({ id: VAPID_ROW, public_key: keys.publicKey, private_key: keys.privateKey, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await db
        .selectFrom('web_push_keys')
        .select(['public_key', 'private_key'])
        .where('id', '=', VAPID_ROW)
        .executeTakeFirstOrThrow();
      return { publicKey: row.public_key, privateKey: row.private_key };
    },
    async save(record) {
      const values = {
        app_key: record.appKey,
        user_id: record.userId,
        device_id: record.deviceId,
        endpoint: record.endpoint,
        p256dh: record.p256dh,
        auth: record.auth,
        capability_hash: record.capabilityHash,
        created_at: record.createdAt,
        last_ok_at: null,
      };
      await db
        .insertInto('web_push_subscriptions')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['app_key', 'user_id', 'device_id']).doUpdateSet({
            endpoint: values.endpoint,
            p256dh: values.p256dh,
            auth: values.auth,
            capability_hash: values.capability_hash,
            created_at: values.created_at,
            last_ok_at: null,
          }),
        )
        .execute();
    },
    async remove(appKey, userId, deviceId) {
      const result = await db
        .deleteFrom('web_push_subscriptions')
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async removeEndpoint(appKey, userId, endpoint) {
      await db
        .deleteFrom('web_push_subscriptions')
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('endpoint', '=', endpoint)
        .execute();
    },
    async listForUser(appKey, userId) {
      const rows = await db
        .selectFrom('web_push_subscriptions')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .orderBy('device_id')
        .execute();
      return rows.map(toRecord);
    },
    async byCapability(capabilityHash) {
      const row = await db
        .selectFrom('web_push_subscriptions')
        .selectAll()
        .where('capability_hash', '=', capabilityHash)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async markOk(appKey, userId, endpoint, at) {
      await db
        .updateTable('web_push_subscriptions')
        .set({ last_ok_at: at })
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('endpoint', '=', endpoint)
        .execute();
    },
  };
}
