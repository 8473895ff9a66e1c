/** Test support: stored calls written the way the server writes them (records, then the telemetry's rows). */
import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/storage/schema.js';
import type { CallRecord, Storage } from '../../ports/index.js';

export interface SeedCall {
  callId: string;
  appKey?: string;
  callerId?: string;
  /** Callees (participants after the caller). */
  callees?: string[];
  group?: boolean;
  video?: boolean;
  createdAt: number;
  /** 0 = never connected. */
  beginAt?: number;
  durationMs?: number;
  endReason?: RCCallEndReason;
  mos?: number;
}

/** The record of `seed` (caller first, every participant with the call's end reason). */
export function seedRecord(seed: SeedCall): CallRecord {
  const beginAt = seed.beginAt ?? 0;
  const durationMs = beginAt > 0 ? (seed.durationMs ?? 0) : 0;
  const endAt = beginAt > 0 ? beginAt + durationMs : seed.createdAt + 30_000;
  const endReason = seed.endReason ?? RCCallEndReason.HANGUP;
  const callerId = seed.callerId ?? 'alice';
  const users = [callerId, ...(seed.callees ?? ['bob'])];
  return {
    appKey: seed.appKey ?? 'app',
    callId: seed.callId,
    conversationType: seed.group ? ConversationType.GROUP : ConversationType.PRIVATE,
    targetId: seed.group ? 'group-1' : (users[1] ?? ''),
    channelId: '',
    callerId,
    mediaType: seed.video ? RCCallMediaType.AUDIO_VIDEO : RCCallMediaType.AUDIO,
    extra: '',
    createdAt: seed.createdAt,
    beginAt,
    endAt,
    durationMs,
    endReason,
    participants: users.map((userId, i) => ({
      userId,
      deviceId: `${userId}-d`,
      isCaller: i === 0,
      joinedAt: beginAt,
      leftAt: endAt,
      endReason,
    })),
  };
}

/** Saves every call; sets `quality_mos` as the telemetry would. */
export async function seedCalls(storage: Storage, db: Kysely<Database>, seeds: SeedCall[]): Promise<void> {
  for (const seed of seeds) {
    await storage.calls.save(seedRecord(seed));
    if (seed.mos !== undefined) {
      await db
        .updateTable('call_records')
        .set({ quality_mos: seed.mos })
        .where('app_key', '=', seed.appKey ?? 'app')
        .where('call_id', '=', seed.callId)
        .execute();
    }
  }
}
