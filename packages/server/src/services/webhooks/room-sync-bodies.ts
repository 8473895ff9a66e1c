/**
 * RongCloud's RTC room status sync (房间状态同步), callback version 1.1: the bodies and the header
 * signature a RongCloud backend handler already checks (reference: server-api.md §4b).
 *
 * Events: 1 periodic room snapshot, 2 room created, 3 room destroyed, 11 member joined, 12 member
 * left (`exitType`: 0 left on their own, 3 abnormal — network lost or crashed), 20 resources changed.
 * Signature: headers `appKey`, `nonce` (≤ 18 chars), `timestamp` (ms), `signature` = lower-case hex
 * SHA-1 of AppSecret + nonce + timestamp.
 */
import { createHash, randomBytes } from 'node:crypto';

export const ROOM_SYNC_EVENT = {
  SNAPSHOT: 1,
  CREATED: 2,
  DESTROYED: 3,
  MEMBER_JOINED: 11,
  MEMBER_LEFT: 12,
  RESOURCES_CHANGED: 20,
} as const;

export type RoomSyncEvent = (typeof ROOM_SYNC_EVENT)[keyof typeof ROOM_SYNC_EVENT];

/** How a member left the room: on their own, kicked by the server API, or abnormally (network, crash). */
export const EXIT_TYPE = { NORMAL: 0, KICKED: 1, ABNORMAL: 3 } as const;

export interface RoomSyncMember {
  userId: string;
  joinTime: number;
}

/** A version 1.1 body (fields of both the 1.1 demo and the v3-era documentation). */
export interface RoomSyncBody {
  version: '1.1';
  event: RoomSyncEvent;
  roomId: string;
  /** The same as `roomId` (v3-era name). */
  channelId: string;
  sessionId: string;
  /** The member the event is about ('' for room events). */
  userId: string;
  timestamp: number;
  /** Event 12 only. */
  exitType?: number;
  /** Event 12: that member's time in the room; event 3: the room's lifetime (ms). */
  durationTime?: number;
  /** Event 1 (and 2/3): everyone in the room; 11/12: the member the event is about. */
  members: RoomSyncMember[];
}

export function roomSyncBody(fields: Omit<RoomSyncBody, 'version' | 'channelId'>): RoomSyncBody {
  return { version: '1.1', channelId: fields.roomId, ...fields };
}

export interface RoomSyncHeaders {
  appKey: string;
  nonce: string;
  timestamp: string;
  signature: string;
}

/** RongCloud's room status sync signature: SHA-1 hex of AppSecret + nonce + timestamp. */
export function roomSyncSignature(appSecret: string, nonce: string, timestamp: string): string {
  return createHash('sha1')
    .update(appSecret + nonce + timestamp)
    .digest('hex');
}

/** Fresh signature headers for one attempt. */
export function roomSyncHeaders(appKey: string, appSecret: string, now: number, nonce = randomBytes(8).toString('hex')): RoomSyncHeaders {
  const timestamp = String(now);
  return { appKey, nonce, timestamp, signature: roomSyncSignature(appSecret, nonce, timestamp) };
}
