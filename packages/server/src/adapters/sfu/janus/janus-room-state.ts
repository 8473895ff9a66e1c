/**
 * The stored state of a Janus room (`SfuRoomState.data` with `sfu: 'janus'`): what a new owner needs
 * to claim the room's session and drive its handles. It comes back from the database, so it is
 * checked field by field before anything is sent to Janus.
 */
import type { SfuRoomState } from '../sfu-port.js';

export interface JanusRoomState {
  /** The Janus WebSocket URL (no secret: the new owner uses its own configured one). */
  url: string;
  sessionId: number;
  roomId: number;
  /** The VideoRoom's secret (needed to destroy it). */
  secret: string;
  adminHandle: number;
  publishers: { userId: string; handleId: number; feedId?: number; published: boolean; up: boolean }[];
  subscribers: { userId: string; feedUserId: string; handleId: number }[];
}

/** Why a stored room state cannot be resumed. */
export class BadRoomStateError extends Error {
  constructor(reason: string) {
    super(`stored SFU room state: ${reason}`);
    this.name = 'BadRoomStateError';
  }
}

/** Largest of anything we store: a call holds 16 publishers, each subscribed to the 15 others. */
const MAX_ENTRIES = 16 * 16;

function id(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new BadRoomStateError(`${name} is not a Janus id`);
  return value;
}

function text(value: unknown, name: string, max = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new BadRoomStateError(`${name} is not a string`);
  return value;
}

function flag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new BadRoomStateError(`${name} is not a boolean`);
  return value;
}

function list(value: unknown, name: string): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length > MAX_ENTRIES) throw new BadRoomStateError(`${name} is not a list`);
  return value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new BadRoomStateError(`${name}[${i}] is not an object`);
    return entry as Record<string, unknown>;
  });
}

export function parseJanusRoomState(state: SfuRoomState): JanusRoomState {
  if (state.sfu !== 'janus') throw new BadRoomStateError(`made by ${JSON.stringify(state.sfu)}, not janus`);
  const d = state.data;
  const url = text(d.url, 'url', 2048);
  if (!/^wss?:\/\//.test(url)) throw new BadRoomStateError('url is not a ws(s) URL');
  return {
    url,
    sessionId: id(d.sessionId, 'sessionId'),
    roomId: id(d.roomId, 'roomId'),
    secret: text(d.secret, 'secret'),
    adminHandle: id(d.adminHandle, 'adminHandle'),
    publishers: list(d.publishers, 'publishers').map((p, i) => ({
      userId: text(p.userId, `publishers[${i}].userId`),
      handleId: id(p.handleId, `publishers[${i}].handleId`),
      ...(p.feedId === undefined ? {} : { feedId: id(p.feedId, `publishers[${i}].feedId`) }),
      published: flag(p.published, `publishers[${i}].published`),
      up: flag(p.up, `publishers[${i}].up`),
    })),
    subscribers: list(d.subscribers, 'subscribers').map((s, i) => ({
      userId: text(s.userId, `subscribers[${i}].userId`),
      feedUserId: text(s.feedUserId, `subscribers[${i}].feedUserId`),
      handleId: id(s.handleId, `subscribers[${i}].handleId`),
    })),
  };
}
