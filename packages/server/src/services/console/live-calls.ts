/**
 * Calls in flight as the console lists them, read from the active-call journal: in cluster mode it
 * holds every node's calls, so one query shows them all. Media path: the SFU when the room runs on
 * Janus, else P2P for two people and a mesh for more.
 */
import { ConversationType } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { ActiveCallStore, MediaPath } from '../../ports/index.js';
import { parseCallSnapshot } from '../call/call-snapshot.js';

export interface LiveParticipant {
  userId: string;
  deviceId: string;
  state: 'waiting' | 'keeping' | 'left';
  isCaller: boolean;
  joinedAt: number;
  inRoom: boolean;
}

export interface LiveCall {
  callId: string;
  appKey: string;
  /** 1 audio, 2 video (RCCallMediaType). */
  mediaType: number;
  group: boolean;
  callerId: string;
  createdAt: number;
  /** 0 until someone answered. */
  beginAt: number;
  mediaPath: MediaPath;
  /** Node running the call ('' in the embedded default). */
  ownerNode: string;
  participants: LiveParticipant[];
}

export async function listLiveCalls(journal: Pick<ActiveCallStore, 'all'>, appKey: string, logger: Logger): Promise<LiveCall[]> {
  const rows = await journal.all();
  const calls: LiveCall[] = [];
  for (const row of rows) {
    if (row.appKey !== appKey) continue;
    try {
      const snapshot = parseCallSnapshot(row.snapshot);
      const present = snapshot.participants.filter((p) => p.state !== 'left');
      calls.push({
        callId: row.callId,
        appKey: row.appKey,
        mediaType: snapshot.mediaType,
        group: snapshot.init.conversationType === ConversationType.GROUP,
        callerId: snapshot.init.callerId,
        createdAt: snapshot.init.createdAt,
        beginAt: snapshot.beginAt,
        mediaPath: mediaPathOf(snapshot.roomMode, present.length),
        ownerNode: row.ownerNode,
        participants: snapshot.participants.map((p) => ({
          userId: p.userId,
          deviceId: p.deviceId ?? '',
          state: p.state,
          isCaller: p.isCaller,
          joinedAt: p.joinedAt,
          inRoom: p.inRoom ?? false,
        })),
      });
    } catch (error) {
      logger.warn({ err: error, callId: row.callId }, 'console: unreadable journaled call skipped');
    }
  }
  return calls.sort((a, b) => b.createdAt - a.createdAt);
}

export function mediaPathOf(roomMode: 'p2p' | 'sfu' | undefined, people: number): MediaPath {
  if (roomMode === 'sfu') return 'sfu';
  return people > 2 ? 'mesh' : 'p2p';
}
