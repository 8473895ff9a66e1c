/**
 * RTC bans (`/rtc/user/block.json`, `/v2/rtc/rooms/{id}/block-users`): a user may not join the media
 * room `room_id` ('' = every room) until `ends_at`. Separate from IM bans, which close the connection.
 */
import type { Kysely, Migration } from 'kysely';

export const rtcBans: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('rtc_bans')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rtc_bans_pk', ['app_key', 'user_id', 'room_id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('rtc_bans').ifExists().execute();
  },
};
