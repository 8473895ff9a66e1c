/**
 * Outbox rows of the two webhook kinds. Ids are stable (stored with the row, sent on every attempt as
 * `webhook-id`) and sort in the order the rows were written: rows of one call written in the same
 * millisecond share `createdAt`, and the outbox then orders them by id.
 *
 * Order keys: one per call for native events, one per room for RongCloud room status sync, so a
 * receiver that is down holds back only its own kind of events, and each call's events arrive in order.
 */
import { randomBytes } from 'node:crypto';
import type { NewOutboxRow } from '../../ports/index.js';
import type { CallEventBody } from './call-event-bodies.js';
import type { RoomSyncBody } from './room-sync-bodies.js';

export const CALL_WEBHOOK_TOPIC = 'webhook';
export const ROOM_SYNC_TOPIC = 'rtc_sync';

/** What a room status sync row keeps: the body as RongCloud sends it, and the app whose secret signs it. */
export interface StoredRoomSync {
  appKey: string;
  body: RoomSyncBody;
}

let sequence = 0;
const processTag = randomBytes(3).toString('hex');

/** `msg_<time><sequence><process>`: unique, and in write order within one process. */
export function newMessageId(now: number): string {
  sequence = (sequence + 1) % 36 ** 6;
  return `msg_${now.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(6, '0')}${processTag}`;
}

const part = encodeURIComponent;

export function callEventRow(appKey: string, callId: string, body: CallEventBody, now: number): NewOutboxRow {
  return {
    id: newMessageId(now),
    topic: CALL_WEBHOOK_TOPIC,
    orderKey: `webhook:${part(appKey)}:${part(callId)}`,
    payload: JSON.stringify(body),
    createdAt: now,
    dueAt: now,
  };
}

export function roomSyncRow(appKey: string, body: RoomSyncBody, now: number): NewOutboxRow {
  const stored: StoredRoomSync = { appKey, body };
  return {
    id: newMessageId(now),
    topic: ROOM_SYNC_TOPIC,
    orderKey: `rtc_sync:${part(appKey)}:${part(body.roomId)}`,
    payload: JSON.stringify(stored),
    createdAt: now,
    dueAt: now,
  };
}

/** The App Key a webhook row belongs to (its order key is `<topic>:<appKey>:<callId|roomId>`). */
export function appKeyOfRow(row: Pick<NewOutboxRow, 'orderKey'>): string {
  const part = row.orderKey.split(':')[1] ?? '';
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
