/**
 * The Storage port over any Kysely dialect. Queries stay within what SQLite and Postgres share
 * (ON CONFLICT upserts, composite keys); numeric columns go through Number() because Postgres
 * drivers return BIGINT as strings.
 */
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { AppPatch, AppRecord, AppStore, CallRecord, CallRecordStore, GroupStore, Storage, UserStore } from '../../ports/index.js';
import { createCallQueries } from '../../services/insights/call-queries.js';
import { activeCallStore } from './active-call-store.js';
import { toCallRecord } from './call-record-rows.js';
import { consoleSettingsStore } from './console-settings-store.js';
import { inTransaction } from './in-transaction.js';
import { banStore, blacklistStore, rtcBanStore } from './moderation-stores.js';
import { offlineRecordStore } from './offline-record-store.js';
import { outboxStore } from './outbox-store.js';
import type { AppsTable, CallRecordsTable, Database } from './schema.js';
import { telemetryStore } from './telemetry-store.js';
import { webPushStore } from './web-push-store.js';

type Now = () => number;

function toApp(row: Selectable<AppsTable>): AppRecord {
  const app: AppRecord = {
    appKey: row.app_key,
    appSecret: row.app_secret,
    name: row.name,
    createdAt: Number(row.created_at),
    audioCallEnabled: Number(row.audio_call_enabled) === 1,
    videoCallEnabled: Number(row.video_call_enabled) === 1,
    projectId: row.project_id ?? row.app_key,
    environment: row.environment === 'development' ? 'development' : 'production',
    disabled: Number(row.disabled) === 1,
  };
  if (row.previous_secret !== null && row.previous_secret_until !== null) {
    app.previousSecret = row.previous_secret;
    app.previousSecretUntil = Number(row.previous_secret_until);
  }
  if (row.webhook_url !== null) app.webhookUrl = row.webhook_url;
  if (row.rtc_callback_url !== null) app.rtcCallbackUrl = row.rtc_callback_url;
  return app;
}

function patchColumns(patch: AppPatch): Updateable<AppsTable> {
  const flag = (value: boolean) => (value ? 1 : 0);
  const columns: Updateable<AppsTable> = {};
  if (patch.name !== undefined) columns.name = patch.name;
  if (patch.appSecret !== undefined) columns.app_secret = patch.appSecret;
  if (patch.audioCallEnabled !== undefined) columns.audio_call_enabled = flag(patch.audioCallEnabled);
  if (patch.videoCallEnabled !== undefined) columns.video_call_enabled = flag(patch.videoCallEnabled);
  if (patch.disabled !== undefined) columns.disabled = flag(patch.disabled);
  if (patch.previousSecret !== undefined) columns.previous_secret = patch.previousSecret;
  if (patch.previousSecretUntil !== undefined) columns.previous_secret_until = patch.previousSecretUntil;
  if (patch.webhookUrl !== undefined) columns.webhook_url = patch.webhookUrl;
  if (patch.rtcCallbackUrl !== undefined) columns.rtc_callback_url = patch.rtcCallbackUrl;
  return columns;
}

function appStore(db: Kysely<Database>): AppStore {
  return {
    async get(appKey) {
      const row = await db.selectFrom('apps').selectAll().where('app_key', '=', appKey).executeTakeFirst();
      return row ? toApp(row) : undefined;
    },
    // Inserts every field; on conflict updates the secret, name and call switches only (the
    // administration's fields change through `update`, so a stale full record cannot undo them).
    async upsert(app) {
      const update = {
        app_secret: app.appSecret,
        name: app.name,
        audio_call_enabled: app.audioCallEnabled ? 1 : 0,
        video_call_enabled: app.videoCallEnabled ? 1 : 0,
      };
      await db
        .insertInto('apps')
        .values({
          app_key: app.appKey,
          created_at: app.createdAt,
          ...update,
          project_id: app.projectId ?? null,
          environment: app.environment ?? 'production',
          disabled: app.disabled ? 1 : 0,
          previous_secret: app.previousSecret ?? null,
          previous_secret_until: app.previousSecretUntil ?? null,
          webhook_url: app.webhookUrl ?? null,
          rtc_callback_url: app.rtcCallbackUrl ?? null,
        })
        .onConflict((oc) => oc.column('app_key').doUpdateSet(update))
        .execute();
    },
    async list() {
      const rows = await db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('app_key').execute();
      return rows.map(toApp);
    },
    async update(appKey, patch) {
      const columns = patchColumns(patch);
      if (Object.keys(columns).length === 0) {
        return (await db.selectFrom('apps').select('app_key').where('app_key', '=', appKey).executeTakeFirst()) !== undefined;
      }
      const result = await db.updateTable('apps').set(columns).where('app_key', '=', appKey).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function userStore(db: Kysely<Database>, now: Now): UserStore {
  return {
    async get(appKey, userId) {
      const row = await db.selectFrom('users').selectAll().where('app_key', '=', appKey).where('user_id', '=', userId).executeTakeFirst();
      if (!row) return undefined;
      return {
        appKey: row.app_key,
        userId: row.user_id,
        name: row.name,
        portraitUri: row.portrait_uri,
        tokensValidAfter: Number(row.tokens_valid_after),
        createdAt: Number(row.created_at),
      };
    },
    async upsertProfile(appKey, userId, profile) {
      const update: { name?: string; portrait_uri?: string } = {};
      if (profile.name !== undefined) update.name = profile.name;
      if (profile.portraitUri !== undefined) update.portrait_uri = profile.portraitUri;
      await db
        .insertInto('users')
        .values({ app_key: appKey, user_id: userId, name: profile.name ?? '', portrait_uri: profile.portraitUri ?? '', created_at: now() })
        .onConflict((oc) => {
          const target = oc.columns(['app_key', 'user_id']);
          return Object.keys(update).length === 0 ? target.doNothing() : target.doUpdateSet(update);
        })
        .execute();
    },
    async expireTokens(appKey, userIds, before) {
      if (userIds.length === 0) return;
      const createdAt = now();
      const unique = [...new Set(userIds)];
      await db
        .insertInto('users')
        .values(
          unique.map((userId) => ({
            app_key: appKey,
            user_id: userId,
            name: '',
            portrait_uri: '',
            tokens_valid_after: before,
            created_at: createdAt,
          })),
        )
        // The revocation point only moves forward: an older `time` never revives revoked tokens.
        // (A CASE rather than max()/GREATEST so the statement is the same in SQLite and Postgres.)
        .onConflict((oc) =>
          oc.columns(['app_key', 'user_id']).doUpdateSet({
            tokens_valid_after: sql<number>`CASE WHEN excluded.tokens_valid_after > users.tokens_valid_after THEN excluded.tokens_valid_after ELSE users.tokens_valid_after END`,
          }),
        )
        .execute();
    },
  };
}

/** Rows per insert statement of `syncUserGroups` (4 parameters a row). */
const SYNC_CHUNK = 500;

function groupStore(db: Kysely<Database>, now: Now): GroupStore {
  return {
    async addMembers(appKey, groupId, userIds, groupName) {
      const at = now();
      const unique = [...new Set(userIds)];
      await inTransaction(db, async (trx) => {
        await trx
          .insertInto('groups')
          .values({ app_key: appKey, group_id: groupId, name: groupName ?? '', created_at: at })
          .onConflict((oc) => {
            const target = oc.columns(['app_key', 'group_id']);
            return groupName === undefined ? target.doNothing() : target.doUpdateSet({ name: groupName });
          })
          .execute();
        if (unique.length === 0) return;
        await trx
          .insertInto('group_members')
          .values(unique.map((userId) => ({ app_key: appKey, group_id: groupId, user_id: userId, joined_at: at })))
          .onConflict((oc) => oc.columns(['app_key', 'group_id', 'user_id']).doNothing())
          .execute();
      });
    },
    async removeMembers(appKey, groupId, userIds) {
      if (userIds.length === 0) return;
      await db
        .deleteFrom('group_members')
        .where('app_key', '=', appKey)
        .where('group_id', '=', groupId)
        .where('user_id', 'in', [...new Set(userIds)])
        .execute();
    },
    async dismiss(appKey, groupId) {
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('group_members').where('app_key', '=', appKey).where('group_id', '=', groupId).execute();
        await trx.deleteFrom('groups').where('app_key', '=', appKey).where('group_id', '=', groupId).execute();
      });
    },
    async members(appKey, groupId) {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('app_key', '=', appKey)
        .where('group_id', '=', groupId)
        .orderBy('joined_at')
        .orderBy('user_id')
        .execute();
      return rows.map((r) => r.user_id);
    },
    async isMember(appKey, groupId, userId) {
      const row = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('app_key', '=', appKey)
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async rename(appKey, groupId, name) {
      const result = await db
        .updateTable('groups')
        .set({ name })
        .where('app_key', '=', appKey)
        .where('group_id', '=', groupId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async groupsOf(appKey, userId, { page, size }) {
      const rows = await db
        .selectFrom('group_members as m')
        .innerJoin('groups as g', (join) => join.onRef('g.app_key', '=', 'm.app_key').onRef('g.group_id', '=', 'm.group_id'))
        .select(['g.group_id', 'g.name'])
        .where('m.app_key', '=', appKey)
        .where('m.user_id', '=', userId)
        .orderBy('g.group_id')
        .limit(size)
        .offset((page - 1) * size)
        .execute();
      return rows.map((r) => ({ id: r.group_id, name: r.name }));
    },
    async syncUserGroups(appKey, userId, groups) {
      const at = now();
      const wanted = new Map(groups.map((g) => [g.id, g.name]));
      await inTransaction(db, async (trx) => {
        let leave = trx.deleteFrom('group_members').where('app_key', '=', appKey).where('user_id', '=', userId);
        if (wanted.size > 0) leave = leave.where('group_id', 'not in', [...wanted.keys()]);
        await leave.execute();
        if (wanted.size === 0) return;
        // In chunks, so a large set stays under the engines' bound-parameter limits.
        const entries = [...wanted];
        for (let i = 0; i < entries.length; i += SYNC_CHUNK) {
          const chunk = entries.slice(i, i + SYNC_CHUNK);
          await trx
            .insertInto('groups')
            .values(chunk.map(([groupId, name]) => ({ app_key: appKey, group_id: groupId, name, created_at: at })))
            .onConflict((oc) => oc.columns(['app_key', 'group_id']).doUpdateSet({ name: (eb) => eb.ref('excluded.name') }))
            .execute();
          await trx
            .insertInto('group_members')
            .values(chunk.map(([groupId]) => ({ app_key: appKey, group_id: groupId, user_id: userId, joined_at: at })))
            .onConflict((oc) => oc.columns(['app_key', 'group_id', 'user_id']).doNothing())
            .execute();
        }
      });
    },
  };
}

/** Rows per multi-row statement (≤ 13 parameters each: well under SQLite's and Postgres's limits). */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) out.push(items.slice(start, start + ROWS_PER_STATEMENT));
  return out;
}

/** Stores (or replaces) call records with their participants: three statements per batch, not per call. */
async function saveCallRecords(db: Kysely<Database>, records: readonly CallRecord[]): Promise<void> {
  if (records.length === 0) return;
  await inTransaction(db, async (trx) => {
    for (const batch of chunks(records)) {
      // quality_mos is the telemetry's (set when samples arrive, possibly after this save): never overwritten here.
      const values: Omit<CallRecordsTable, 'quality_mos'>[] = batch.map((record) => ({
        app_key: record.appKey,
        call_id: record.callId,
        conversation_type: record.conversationType,
        target_id: record.targetId,
        channel_id: record.channelId,
        caller_id: record.callerId,
        media_type: record.mediaType,
        extra: record.extra,
        created_at: record.createdAt,
        begin_at: record.beginAt,
        end_at: record.endAt,
        duration_ms: record.durationMs,
        end_reason: record.endReason,
      }));
      await trx
        .insertInto('call_records')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['app_key', 'call_id']).doUpdateSet(({ ref }) => ({
            conversation_type: ref('excluded.conversation_type'),
            target_id: ref('excluded.target_id'),
            channel_id: ref('excluded.channel_id'),
            caller_id: ref('excluded.caller_id'),
            media_type: ref('excluded.media_type'),
            extra: ref('excluded.extra'),
            created_at: ref('excluded.created_at'),
            begin_at: ref('excluded.begin_at'),
            end_at: ref('excluded.end_at'),
            duration_ms: ref('excluded.duration_ms'),
            end_reason: ref('excluded.end_reason'),
          })),
        )
        .execute();
      await trx
        .deleteFrom('call_participants')
        .where(({ eb, and, or }) => or(batch.map((record) => and([eb('app_key', '=', record.appKey), eb('call_id', '=', record.callId)]))))
        .execute();
    }
    const participants = records.flatMap((record) =>
      record.participants.map((p, position) => ({
        app_key: record.appKey,
        call_id: record.callId,
        position,
        user_id: p.userId,
        device_id: p.deviceId,
        is_caller: p.isCaller ? 1 : 0,
        joined_at: p.joinedAt,
        left_at: p.leftAt,
        end_reason: p.endReason,
      })),
    );
    for (const batch of chunks(participants)) await trx.insertInto('call_participants').values(batch).execute();
  });
}

function callRecordStore(db: Kysely<Database>): CallRecordStore {
  async function withParticipants(appKey: string, rows: CallRecordsTable[]): Promise<CallRecord[]> {
    if (rows.length === 0) return [];
    const participants = await db
      .selectFrom('call_participants')
      .selectAll()
      .where('app_key', '=', appKey)
      .where(
        'call_id',
        'in',
        rows.map((r) => r.call_id),
      )
      .execute();
    return rows.map((row) =>
      toCallRecord(
        row,
        participants.filter((p) => p.call_id === row.call_id),
      ),
    );
  }

  return {
    save: (record) => saveCallRecords(db, [record]),
    saveMany: (records) => saveCallRecords(db, records),
    async get(appKey, callId) {
      const row = await db
        .selectFrom('call_records')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .executeTakeFirst();
      if (!row) return undefined;
      const [record] = await withParticipants(appKey, [row]);
      return record;
    },
    async list(appKey, options) {
      const limit = Math.max(0, Math.min(Math.trunc(options.limit), 1000));
      if (limit === 0) return [];
      let query = db.selectFrom('call_records').selectAll('call_records').where('call_records.app_key', '=', appKey);
      if (options.userId !== undefined) {
        const userId = options.userId;
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('call_participants')
              .select('call_participants.call_id')
              .whereRef('call_participants.app_key', '=', 'call_records.app_key')
              .whereRef('call_participants.call_id', '=', 'call_records.call_id')
              .where('call_participants.user_id', '=', userId),
          ),
        );
      }
      const rows = await query.orderBy('call_records.created_at', 'desc').orderBy('call_records.call_id', 'desc').limit(limit).execute();
      return withParticipants(appKey, rows);
    },
  };
}

/**
 * Builds the Storage port on an opened, migrated Kysely instance. `close()` destroys `db`.
 * @param now clock for created/joined times (injectable for tests)
 */
export function createKyselyStorage(db: Kysely<Database>, now: Now = Date.now): Storage {
  const storage: Storage = {
    apps: appStore(db),
    users: userStore(db, now),
    groups: groupStore(db, now),
    calls: callRecordStore(db),
    blacklists: blacklistStore(db, now),
    bans: banStore(db),
    rtcBans: rtcBanStore(db),
    offlineRecords: offlineRecordStore(db, now),
    activeCalls: activeCallStore(db),
    outbox: outboxStore(db),
    consoleSettings: consoleSettingsStore(db, now),
    webPush: webPushStore(db),
    callQueries: createCallQueries(db),
    telemetry: telemetryStore(db),
    transaction: (work) => (db.isTransaction ? work(storage) : inTransaction(db, (trx) => work(createKyselyStorage(trx, now)))),
    close: () => db.destroy(),
  };
  return storage;
}
