/** The telemetry's tables (migration 0008) over any Kysely dialect (see kysely-storage.ts for the portability rules). */
import type { Kysely } from 'kysely';
import type { CallEvent, CallEventKind, CandidateType, QualitySample, TelemetryStore } from '../../ports/index.js';
import type { Database, QualitySamplesTable } from './schema.js';

/** Rows per INSERT statement (SQLite allows 32766 bound values; a sample row binds 20). */
const INSERT_CHUNK = 500;

const numberOrUndefined = (value: number | string | null): number | undefined => (value === null ? undefined : Number(value));

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) out.push(rows.slice(i, i + INSERT_CHUNK));
  return out;
}

function toSample(r: QualitySamplesTable): QualitySample {
  const sample: QualitySample = {
    userId: r.user_id,
    deviceId: r.device_id,
    at: Number(r.at),
    kind: r.kind === 'audio' ? 'audio' : 'video',
    direction: r.direction === 'send' ? 'send' : 'recv',
    peerUserId: r.peer_user_id,
  };
  const optional: [keyof QualitySample, number | undefined][] = [
    ['bitrateKbps', numberOrUndefined(r.bitrate_kbps)],
    ['packetLossPct', numberOrUndefined(r.packet_loss_pct)],
    ['jitterMs', numberOrUndefined(r.jitter_ms)],
    ['rttMs', numberOrUndefined(r.rtt_ms)],
    ['fps', numberOrUndefined(r.fps)],
    ['width', numberOrUndefined(r.width)],
    ['height', numberOrUndefined(r.height)],
    ['freezeCount', numberOrUndefined(r.freeze_count)],
    ['freezeMs', numberOrUndefined(r.freeze_ms)],
    ['mos', numberOrUndefined(r.mos)],
  ];
  const target = sample as unknown as Record<string, unknown>;
  for (const [key, value] of optional) if (value !== undefined) target[key] = value;
  if (r.limitation !== null) sample.limitation = r.limitation;
  if (r.candidate_type !== null) sample.candidateType = r.candidate_type as CandidateType;
  return sample;
}

function toRow(appKey: string, callId: string, s: QualitySample): QualitySamplesTable {
  return {
    app_key: appKey,
    call_id: callId,
    user_id: s.userId,
    device_id: s.deviceId,
    at: s.at,
    kind: s.kind,
    direction: s.direction,
    peer_user_id: s.peerUserId,
    bitrate_kbps: s.bitrateKbps ?? null,
    packet_loss_pct: s.packetLossPct ?? null,
    jitter_ms: s.jitterMs ?? null,
    rtt_ms: s.rttMs ?? null,
    fps: s.fps ?? null,
    width: s.width ?? null,
    height: s.height ?? null,
    freeze_count: s.freezeCount ?? null,
    freeze_ms: s.freezeMs ?? null,
    limitation: s.limitation ?? null,
    candidate_type: s.candidateType ?? null,
    mos: s.mos ?? null,
  };
}

function parseDetail(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function telemetryStore(db: Kysely<Database>): TelemetryStore {
  return {
    async addEvents(events) {
      for (const chunk of chunks(events)) {
        await db
          .insertInto('call_events')
          .values(
            chunk.map((e) => ({
              id: e.id,
              app_key: e.appKey,
              call_id: e.callId,
              at: e.at,
              kind: e.kind,
              user_id: e.userId,
              device_id: e.deviceId,
              detail: e.detail === undefined ? '' : JSON.stringify(e.detail),
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    },

    async saveSetup(appKey, callId, setup) {
      await this.addBatch({ samples: [], setups: [{ appKey, callId, setup }] });
    },

    async addBatch({ samples, setups }) {
      for (const chunk of chunks(samples)) {
        await db
          .insertInto('quality_samples')
          .values(chunk.map(({ appKey, callId, sample }) => toRow(appKey, callId, sample)))
          .execute();
      }
      for (const chunk of chunks(setups)) {
        // One statement for every row: a column the new row lacks (null) keeps the stored value.
        await db
          .insertInto('call_setup_timings')
          .values(
            chunk.map(({ appKey, callId, setup }) => ({
              app_key: appKey,
              call_id: callId,
              user_id: setup.userId,
              device_id: setup.deviceId,
              at: setup.at,
              invite_to_ringing_ms: setup.inviteToRingingMs ?? null,
              accept_to_ice_connected_ms: setup.acceptToIceConnectedMs ?? null,
              accept_to_first_frame_ms: setup.acceptToFirstFrameMs ?? null,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['app_key', 'call_id', 'user_id', 'device_id']).doUpdateSet((eb) => ({
              invite_to_ringing_ms: eb.fn.coalesce('excluded.invite_to_ringing_ms', 'call_setup_timings.invite_to_ringing_ms'),
              accept_to_ice_connected_ms: eb.fn.coalesce(
                'excluded.accept_to_ice_connected_ms',
                'call_setup_timings.accept_to_ice_connected_ms',
              ),
              accept_to_first_frame_ms: eb.fn.coalesce('excluded.accept_to_first_frame_ms', 'call_setup_timings.accept_to_first_frame_ms'),
            })),
          )
          .execute();
      }
    },

    async addSamples(appKey, callId, samples) {
      for (const chunk of chunks(samples)) {
        await db
          .insertInto('quality_samples')
          .values(chunk.map((s) => toRow(appKey, callId, s)))
          .execute();
      }
    },

    async sampleCounts(appKey, callId) {
      const rows = await db
        .selectFrom('quality_samples')
        .select(['user_id', 'device_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .groupBy(['user_id', 'device_id'])
        .execute();
      return new Map(rows.map((r) => [`${r.user_id}/${r.device_id}`, Number(r.n)]));
    },

    async events(appKey, callId) {
      const rows = await db
        .selectFrom('call_events')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((r): CallEvent => {
        const detail = parseDetail(r.detail);
        return {
          at: Number(r.at),
          kind: r.kind as CallEventKind,
          userId: r.user_id,
          deviceId: r.device_id,
          ...(detail ? { detail } : {}),
        };
      });
    },

    async setups(appKey, callId) {
      const rows = await db
        .selectFrom('call_setup_timings')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .execute();
      return rows.map((r) => ({
        userId: r.user_id,
        deviceId: r.device_id,
        at: Number(r.at),
        ...(r.invite_to_ringing_ms === null ? {} : { inviteToRingingMs: Number(r.invite_to_ringing_ms) }),
        ...(r.accept_to_ice_connected_ms === null ? {} : { acceptToIceConnectedMs: Number(r.accept_to_ice_connected_ms) }),
        ...(r.accept_to_first_frame_ms === null ? {} : { acceptToFirstFrameMs: Number(r.accept_to_first_frame_ms) }),
      }));
    },

    async samples(appKey, callId, limit) {
      const rows = await db
        .selectFrom('quality_samples')
        .selectAll()
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .orderBy('at')
        .limit(Math.max(0, Math.trunc(limit)))
        .execute();
      return rows.map(toSample);
    },

    async meanMosByUser(appKey, callId) {
      const rows = await db
        .selectFrom('quality_samples')
        .select(['user_id', (eb) => eb.fn.avg<number | string | null>('mos').as('mos')])
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .where('mos', 'is not', null)
        .groupBy('user_id')
        .execute();
      const out = new Map<string, number>();
      for (const r of rows) if (r.mos !== null) out.set(r.user_id, Number(r.mos));
      return out;
    },

    async setRecordMos(appKey, callId, mos) {
      const result = await db
        .updateTable('call_records')
        .set({ quality_mos: mos })
        .where('app_key', '=', appKey)
        .where('call_id', '=', callId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async prune(before) {
      let count = 0;
      for (const table of ['call_events', 'call_setup_timings', 'quality_samples'] as const) {
        const result = await db.deleteFrom(table).where('at', '<', before).executeTakeFirst();
        count += Number(result.numDeletedRows);
      }
      return count;
    },
  };
}
