/**
 * A call in flight as the journal stores it (JSON, versioned), and the call rebuilt from it. The
 * snapshot holds everything a restarted process needs to carry the call on: the participants'
 * states, chosen devices, ring deadlines, media-room membership and the SFU room's hand-over state.
 */
import { PushVendorConfig, ShortText, UserProfile } from '@opencall/protocol';
import * as z from 'zod/mini';
import { Call, type CallInit } from './call.js';
import { Participant } from './participant.js';

/** The snapshot version this code writes; reading accepts exactly the versions in `CallSnapshot`. */
export const CALL_SNAPSHOT_VERSION = 1;

const ParticipantSnapshot = z.object({
  userId: z.string(),
  isCaller: z.boolean(),
  state: z.enum(['waiting', 'keeping', 'left']),
  /** `undefined` fields are absent in the JSON. */
  deviceId: z.optional(z.string()),
  joinedAt: z.number(),
  leftAt: z.number(),
  endReason: z.optional(z.number()),
  inviterId: z.string(),
  /** Absent in snapshots written before offline records were recovered: read as reached. */
  reached: z.optional(z.boolean()),
  /** Absent in snapshots written before calls survived restarts. */
  ringDeadline: z.optional(z.number()),
  rang: z.optional(z.boolean()),
  inRoom: z.optional(z.boolean()),
  profile: z.optional(UserProfile),
});

const PushTextSnapshot = z.object({
  pushTitle: z.optional(ShortText),
  pushContent: z.optional(ShortText),
  pushConfig: z.optional(PushVendorConfig),
});

/** `CallInit` without the caller's profile (not kept across a restart). */
const InitSnapshot = z.object({
  appKey: z.string(),
  callId: z.string(),
  conversationType: z.number(),
  targetId: z.string(),
  channelId: z.string(),
  mediaType: z.number(),
  callerId: z.string(),
  callerDeviceId: z.string(),
  extra: z.string(),
  createdAt: z.number(),
  pushTitle: z.string(),
  pushContent: z.string(),
  pushConfig: z.optional(PushVendorConfig),
  hangupPush: z.optional(PushTextSnapshot),
});

/** Version 1 (every snapshot written so far carries `v: 1`). */
const CallSnapshotV1 = z.object({
  v: z.literal(1),
  init: InitSnapshot,
  mediaType: z.number(),
  beginAt: z.number(),
  /** The media room's mode once fixed (absent before the first join, or in old snapshots). */
  roomMode: z.optional(z.enum(['p2p', 'sfu'])),
  /** The SFU room's hand-over state (session and handle ids), when its SFU outlives the node. */
  sfuRoom: z.optional(z.object({ sfu: z.string(), data: z.record(z.string(), z.unknown()) })),
  participants: z.array(ParticipantSnapshot),
});

/** Every snapshot version this code reads, told apart by `v`. A new version is added here, next to a reader for the old one. */
export const CallSnapshot = z.discriminatedUnion('v', [CallSnapshotV1]);
export type CallSnapshot = z.infer<typeof CallSnapshot>;
const KNOWN_VERSIONS: readonly number[] = [1];

/** A journaled snapshot that cannot be read: `reason` says why (`unknown_version`, `malformed`). */
export class CallSnapshotError extends Error {
  override readonly name = 'CallSnapshotError';
  constructor(
    readonly reason: 'unknown_version' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** Parse a journaled snapshot through its versioned schema; throws `CallSnapshotError` when it can't be read. */
export function parseCallSnapshot(json: string): CallSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CallSnapshotError('malformed', 'call snapshot is not JSON');
  }
  const v = typeof raw === 'object' && raw !== null ? (raw as { v?: unknown }).v : undefined;
  if (typeof v !== 'number' || !KNOWN_VERSIONS.includes(v)) {
    throw new CallSnapshotError(
      'unknown_version',
      `unknown call snapshot version ${JSON.stringify(v) ?? 'undefined'} (this server reads ${KNOWN_VERSIONS.join(', ')})`,
    );
  }
  const parsed = CallSnapshot.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CallSnapshotError(
      'malformed',
      `call snapshot v${v}: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.code ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export function snapshotOf(call: Call): string {
  const { callerProfile: _profile, ...init } = call.init;
  const snapshot: CallSnapshot = {
    v: CALL_SNAPSHOT_VERSION,
    init,
    mediaType: call.mediaType,
    beginAt: call.beginAt,
    ...(call.roomMode === undefined ? {} : { roomMode: call.roomMode }),
    ...(call.sfuRoom === undefined ? {} : { sfuRoom: call.sfuRoom }),
    participants: [...call.participants.values()].map((p) => ({
      userId: p.userId,
      isCaller: p.isCaller,
      state: p.state,
      deviceId: p.deviceId,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
      endReason: p.endReason,
      inviterId: p.inviterId,
      reached: p.reached,
      ringDeadline: p.ringDeadline,
      rang: p.rang,
      inRoom: p.inRoom,
      ...(p.profile === undefined ? {} : { profile: p.profile }),
    })),
  };
  return JSON.stringify(snapshot);
}

/** Rebuilds the call exactly as journaled (no timers: the caller re-arms them). */
export function callFromSnapshot(json: string): { call: Call; snapshot: CallSnapshot } {
  const snapshot = parseCallSnapshot(json);
  const init: CallInit = { ...snapshot.init, callerProfile: undefined };
  const call = new Call(init);
  call.mediaType = snapshot.mediaType;
  call.beginAt = snapshot.beginAt;
  call.roomMode = snapshot.roomMode;
  call.sfuRoom = snapshot.sfuRoom;
  if (snapshot.participants.some((p) => p.state === 'keeping')) call.apply('accepted');
  call.participants.clear();
  for (const p of snapshot.participants) {
    const participant = new Participant({
      userId: p.userId,
      isCaller: p.isCaller,
      inviterId: p.inviterId,
      deviceId: p.deviceId,
      joinedAt: p.joinedAt,
      ringDeadline: p.ringDeadline ?? 0,
      profile: p.profile,
      rang: p.rang ?? p.isCaller,
      reached: p.reached ?? true,
    });
    participant.restore({
      state: p.state,
      deviceId: p.deviceId,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
      endReason: p.endReason,
      rang: p.rang ?? p.isCaller,
      inRoom: p.inRoom ?? false,
      profile: p.profile,
    });
    call.participants.set(p.userId, participant);
  }
  return { call, snapshot };
}
