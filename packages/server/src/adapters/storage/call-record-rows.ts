/** Stored call-record rows → {@link CallRecord} (the record store and the read queries share it). */
import type { CallRecord } from '../../ports/index.js';
import type { CallParticipantsTable, CallRecordsTable } from './schema.js';

/** A stored record row and its participant rows (any order) as a {@link CallRecord}. */
export function toCallRecord(row: CallRecordsTable, participants: CallParticipantsTable[]): CallRecord {
  return {
    appKey: row.app_key,
    callId: row.call_id,
    conversationType: Number(row.conversation_type),
    targetId: row.target_id,
    channelId: row.channel_id,
    callerId: row.caller_id,
    mediaType: Number(row.media_type),
    extra: row.extra,
    createdAt: Number(row.created_at),
    beginAt: Number(row.begin_at),
    endAt: Number(row.end_at),
    durationMs: Number(row.duration_ms),
    endReason: Number(row.end_reason),
    participants: participants
      .sort((a, b) => Number(a.position) - Number(b.position))
      .map((p) => ({
        userId: p.user_id,
        deviceId: p.device_id,
        isCaller: Number(p.is_caller) === 1,
        joinedAt: Number(p.joined_at),
        leftAt: Number(p.left_at),
        endReason: Number(p.end_reason),
      })),
  };
}
