/**
 * Blacklists and bans over any Kysely dialect (see kysely-storage.ts for the portability rules).
 */
import type { Kysely } from 'kysely';
import type { BanStore, BlacklistStore, RtcBanStore } from '../../ports/index.js';
import type { Database } from './schema.js';

type Now = () => number;

/** Opaque blacklist page cursor: the last user id of the previous page, base64url. */
export function encodePageToken(lastUserId: string): string {
  return Buffer.from(lastUserId, 'utf8').toString('base64url');
}

/** The user id a page token points after, or undefined for a malformed token. */
export function decodePageToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text === '' || encodePageToken(text) !== token ? undefined : text;
}

export function blacklistStore(db: Kysely<Database>, now: Now): BlacklistStore {
  return {
    async add(appKey, ownerId, blockedIds) {
      const unique = [...new Set(blockedIds)];
      if (unique.length === 0) return;
      const at = now();
      await db
        .insertInto('blacklists')
        .values(unique.map((blockedId) => ({ app_key: appKey, owner_id: ownerId, blocked_id: blockedId, created_at: at })))
        .onConflict((oc) => oc.columns(['app_key', 'owner_id', 'blocked_id']).doNothing())
        .execute();
    },
    async remove(appKey, ownerId, blockedIds) {
      if (blockedIds.length === 0) return;
      await db
        .deleteFrom('blacklists')
        .where('app_key', '=', appKey)
        .where('owner_id', '=', ownerId)
        .where('blocked_id', 'in', [...new Set(blockedIds)])
        .execute();
    },
    async list(appKey, ownerId, options) {
      const size = Math.max(1, Math.min(Math.trunc(options.size), 1000));
      let query = db.selectFrom('blacklists').select('blocked_id').where('app_key', '=', appKey).where('owner_id', '=', ownerId);
      if (options.pageToken !== undefined) {
        const after = decodePageToken(options.pageToken);
        if (after === undefined) return { users: [] };
        query = query.where('blocked_id', '>', after);
      }
      const rows = await query
        .orderBy('blocked_id')
        .limit(size + 1)
        .execute();
      const users = rows.slice(0, size).map((r) => r.blocked_id);
      const last = users[users.length - 1];
      return rows.length > size && last !== undefined ? { users, next: encodePageToken(last) } : { users };
    },
    async has(appKey, ownerId, otherId) {
      const row = await db
        .selectFrom('blacklists')
        .select('blocked_id')
        .where('app_key', '=', appKey)
        .where('owner_id', '=', ownerId)
        .where('blocked_id', '=', otherId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async entriesAmong(appKey, ownerIds, otherIds) {
      if (ownerIds.length === 0 || otherIds.length === 0) return [];
      const rows = await db
        .selectFrom('blacklists')
        .select(['owner_id', 'blocked_id'])
        .where('app_key', '=', appKey)
        .where('owner_id', 'in', [...new Set(ownerIds)])
        .where('blocked_id', 'in', [...new Set(otherIds)])
        .execute();
      return rows.map((r) => [r.owner_id, r.blocked_id]);
    },
  };
}

export function banStore(db: Kysely<Database>): BanStore {
  return {
    async ban(appKey, userIds, untilMs) {
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return;
      await db
        .insertInto('bans')
        .values(unique.map((userId) => ({ app_key: appKey, user_id: userId, ends_at: untilMs })))
        .onConflict((oc) => oc.columns(['app_key', 'user_id']).doUpdateSet({ ends_at: untilMs }))
        .execute();
    },
    async unban(appKey, userIds) {
      if (userIds.length === 0) return;
      await db
        .deleteFrom('bans')
        .where('app_key', '=', appKey)
        .where('user_id', 'in', [...new Set(userIds)])
        .execute();
    },
    async list(appKey, now, options) {
      const size = Math.max(1, Math.min(Math.trunc(options.size), 1000));
      const page = Math.max(1, Math.trunc(options.page));
      const rows = await db
        .selectFrom('bans')
        .select(['user_id', 'ends_at'])
        .where('app_key', '=', appKey)
        .where('ends_at', '>', now)
        .orderBy('ends_at', 'desc')
        .orderBy('user_id')
        .limit(size)
        .offset((page - 1) * size)
        .execute();
      return rows.map((r) => ({ userId: r.user_id, endsAt: Number(r.ends_at) }));
    },
    async bannedUntil(appKey, userId, now) {
      const row = await db
        .selectFrom('bans')
        .select('ends_at')
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const endsAt = row === undefined ? undefined : Number(row.ends_at);
      return endsAt !== undefined && endsAt > now ? endsAt : undefined;
    },
  };
}

/** '' in `rtc_bans.room_id`: the ban covers every room. */
const EVERY_ROOM = '';

export function rtcBanStore(db: Kysely<Database>): RtcBanStore {
  return {
    async ban(appKey, userIds, roomId, untilMs) {
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return;
      const room = roomId ?? EVERY_ROOM;
      await db
        .insertInto('rtc_bans')
        .values(unique.map((userId) => ({ app_key: appKey, user_id: userId, room_id: room, ends_at: untilMs })))
        .onConflict((oc) => oc.columns(['app_key', 'user_id', 'room_id']).doUpdateSet({ ends_at: untilMs }))
        .execute();
    },
    async unban(appKey, userIds, roomId) {
      if (userIds.length === 0) return;
      await db
        .deleteFrom('rtc_bans')
        .where('app_key', '=', appKey)
        .where('user_id', 'in', [...new Set(userIds)])
        .where('room_id', '=', roomId ?? EVERY_ROOM)
        .execute();
    },
    async activeBans(appKey, userId, now) {
      const rows = await db
        .selectFrom('rtc_bans')
        .select(['room_id', 'ends_at'])
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('ends_at', '>', now)
        .execute();
      return rows.map((r) => ({ roomId: r.room_id === EVERY_ROOM ? undefined : r.room_id, endsAt: Number(r.ends_at) }));
    },
    async bannedUntil(appKey, userId, roomId, now) {
      const rows = await db
        .selectFrom('rtc_bans')
        .select('ends_at')
        .where('app_key', '=', appKey)
        .where('user_id', '=', userId)
        .where('room_id', 'in', [roomId, EVERY_ROOM])
        .execute();
      const ends = rows.map((r) => Number(r.ends_at)).filter((end) => end > now);
      return ends.length === 0 ? undefined : Math.max(...ends);
    },
  };
}
