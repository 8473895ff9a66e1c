/**
 * Call insights (issues 13/14): the timeline of each call, per-participant setup timings, bounded
 * quality time series from the SDK's telemetry, and each call's quality summary on its record.
 * Written by the telemetry service, read by the console and the read API (ports/insights.ts).
 */
import type { Kysely, Migration } from 'kysely';

export const callInsights: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One row per timeline event (invite, ringing, accept, join, leave, recovery, end, ...).
    await db.schema
      .createTable('call_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('device_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('call_events_by_call').on('call_events').columns(['app_key', 'call_id', 'at']).execute();
    await db.schema.createIndex('call_events_by_age').on('call_events').column('at').execute();

    // One row per participant device and call: how long its setup took (null = not measured).
    await db.schema
      .createTable('call_setup_timings')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('invite_to_ringing_ms', 'bigint')
      .addColumn('accept_to_ice_connected_ms', 'bigint')
      .addColumn('accept_to_first_frame_ms', 'bigint')
      .addPrimaryKeyConstraint('call_setup_timings_pk', ['app_key', 'call_id', 'user_id', 'device_id'])
      .execute();
    await db.schema.createIndex('call_setup_timings_by_time').on('call_setup_timings').columns(['app_key', 'at']).execute();

    // Quality samples: one row per participant device, track and sample time.
    await db.schema
      .createTable('quality_samples')
      .addColumn('app_key', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('peer_user_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('bitrate_kbps', 'real')
      .addColumn('packet_loss_pct', 'real')
      .addColumn('jitter_ms', 'real')
      .addColumn('rtt_ms', 'real')
      .addColumn('fps', 'real')
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('freeze_count', 'integer')
      .addColumn('freeze_ms', 'bigint')
      .addColumn('limitation', 'text')
      .addColumn('candidate_type', 'text')
      .addColumn('mos', 'real')
      .execute();
    await db.schema.createIndex('quality_samples_by_call').on('quality_samples').columns(['app_key', 'call_id', 'at']).execute();
    await db.schema.createIndex('quality_samples_by_age').on('quality_samples').column('at').execute();

    // The call's quality summary (mean of its participants' MOS), null until telemetry arrived.
    await db.schema.alterTable('call_records').addColumn('quality_mos', 'real').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('call_records').dropColumn('quality_mos').execute();
    await db.schema.dropTable('quality_samples').ifExists().execute();
    await db.schema.dropTable('call_setup_timings').ifExists().execute();
    await db.schema.dropTable('call_events').ifExists().execute();
  },
};
