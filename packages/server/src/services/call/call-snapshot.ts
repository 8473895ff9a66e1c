/**
 * A call in flight as the journal stores it (JSON, versioned), and the call rebuilt from it. The
 * snapshot holds everything a restarted process needs to carry the call on: the participants'
 * states, chosen devices, ring deadlines, media-room membership and the SFU room's hand-over state.
 */
import type { UserProfile } from '@opencall/protocol';
import type { SfuRoomState } from '../../adapters/sfu/sfu-port.js';
import { Call, type CallInit, type Participant } from './call.js';

interface ParticipantSnapshot {
  userId: string;
  isCaller: boolean;
  state: Participant['state'];
  deviceId: string | undefined;
  joinedAt: number;
  leftAt: number;
  endReason: Participant['endReason'];
  inviterId: string;
  /** Absent in snapshots written before offline records were recovered: read as reached. */
  reached?: boolean;
  /** Absent in snapshots written before calls survived restarts. */
  ringDeadline?: number;
  rang?: boolean;
  inRoom?: boolean;
  profile?: UserProfile;
}

export interface CallSnapshot {
  v: 1;
  init: Omit<CallInit, 'callerProfile'>;
  mediaType: Call['mediaType'];
  beginAt: number;
  /** The media room's mode once fixed (absent before the first join, or in old snapshots). */
  roomMode?: Call['roomMode'];
  /** The SFU room's hand-over state (session and handle ids), when its SFU outlives the node. */
  sfuRoom?: SfuRoomState;
  participants: ParticipantSnapshot[];
}

export function snapshotOf(call: Call): string {
  const { callerProfile: _profile, ...init } = call.init;
  const snapshot: CallSnapshot = {
    v: 1,
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
  const snapshot = JSON.parse(json) as CallSnapshot;
  if (snapshot.v !== 1) throw new Error(`unknown call snapshot version ${String(snapshot.v)}`);
  const call = new Call({ ...snapshot.init, callerProfile: undefined });
  call.mediaType = snapshot.mediaType;
  call.beginAt = snapshot.beginAt;
  call.roomMode = snapshot.roomMode;
  call.sfuRoom = snapshot.sfuRoom;
  if (snapshot.participants.some((p) => p.state === 'keeping')) call.apply('accepted');
  call.participants.clear();
  for (const p of snapshot.participants) {
    const participant = call.addInvitee(p.userId, p.inviterId, p.ringDeadline ?? 0, p.reached ?? true);
    // Restore the journaled state (deserialisation): the fields the machines and intents left.
    Object.assign(participant, {
      isCaller: p.isCaller,
      state: p.state,
      deviceId: p.deviceId,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
      endReason: p.endReason,
      rang: p.rang ?? p.isCaller,
      inRoom: p.inRoom ?? false,
      profile: p.profile,
    });
  }
  return { call, snapshot };
}
