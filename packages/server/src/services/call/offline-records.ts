/**
 * Calls a user missed with no device connected (CallLib `onOfflineRecord`): stored when the call ends
 * (in the same transaction as its call record, see CallJournal), delivered on the user's next connect.
 *
 * Delivery rule — nothing is lost, nothing is sent twice on one stream:
 * - A record stays in storage until a device of its user acks the event that carried it; only then is
 *   it deleted. A server crash before that ack forgets nothing: the record goes out again.
 * - Each fresh device stream (a connect that is not a resume) gets, at connect, up to
 *   MAX_DELIVERED_PER_CONNECT of the user's records, oldest first, that are not in flight.
 * - A record is in flight from its send until its ack (then deleted), or until its stream ends
 *   without the ack (closed, replaced by a fresh connect, not resumed within the stream keep time,
 *   or pushed out of the stream's kept window): then it is offered again at the next connect of any
 *   device of the user. A resume replays it on the same stream, which the client dedupes by seq.
 * - So: once per stream, at least once per user. Two devices connecting together share the records
 *   out (each record goes to one of them); the in-flight set is this process's memory, so a restart
 *   clears it along with every stream.
 *
 * Retention (RongCloud keeps offline call records bounded too): a user keeps at most
 * MAX_KEPT_PER_USER records (the oldest are dropped when a new one is stored), and a record older
 * than MAX_AGE_MS is neither delivered nor kept (swept at most once per PRUNE_INTERVAL_MS).
 */
import type { CallOfflineRecordEvent } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { OfflineCallRecord, Storage } from '../../ports/index.js';
import type { ImConnection } from '../im/im-connection.js';
import type { Call } from './call.js';

/** Records one fresh stream gets at connect. */
export const MAX_DELIVERED_PER_CONNECT = 100;
/** Records kept per user; storing one more drops the oldest. */
export const MAX_KEPT_PER_USER = 500;
/** Records older than this (since they were stored) are dropped: 7 days. */
export const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** The sweep of expired records runs at most this often (on a connect). */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** A record for one invitee the call never reached. */
export interface MissedCall {
  userId: string;
  record: OfflineCallRecord;
}

/** One record per invitee the call never reached (no device of theirs was connected while it rang). */
export function missedCalls(call: Call, endAt: number): MissedCall[] {
  const missed: MissedCall[] = [];
  for (const participant of call.participants.values()) {
    if (participant.isCaller || participant.reached) continue;
    missed.push({
      userId: participant.userId,
      record: {
        callId: call.callId,
        conversationType: call.init.conversationType,
        targetId: call.init.conversationType === 1 ? call.init.callerId : call.init.targetId,
        channelId: call.init.channelId,
        inviterId: participant.inviterId,
        mediaType: call.mediaType,
        endReason: participant.endReason ?? 15,
        beginTimestamp: 0,
        endTimestamp: endAt,
        duration: 0,
      },
    });
  }
  return missed;
}

/** Store the records of one ended call (pass the transaction that stores its call record). */
export async function storeMissedCalls(storage: Storage, appKey: string, missed: readonly MissedCall[]): Promise<void> {
  for (const { userId, record } of missed) await storage.offlineRecords.add(appKey, userId, record, MAX_KEPT_PER_USER);
}

export class OfflineRecords {
  /** Per user (app + user id): call ids in flight on some stream, or acked and being deleted. */
  private readonly inFlight = new Map<string, Set<string>>();
  /** Acked records waiting for the next batched delete, per user. */
  private readonly acked = new Map<string, { appKey: string; userId: string; callIds: string[] }>();
  private removeScheduled = false;
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  /**
   * @param beforeRead resolves once records of calls that already ended are in storage
   */
  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly beforeRead: () => Promise<void> = () => Promise.resolve(),
  ) {}

  private static key(appKey: string, userId: string): string {
    return `${appKey}\u0000${userId}`;
  }

  /** Send the user's pending records to a fresh stream of one of their devices. */
  deliver(connection: ImConnection): void {
    this.send(connection).catch((error: unknown) => this.logger.error({ err: error }, 'loading offline records failed'));
  }

  /** Records in flight for the user (tests, diagnostics). */
  inFlightCount(appKey: string, userId: string): number {
    return this.inFlight.get(OfflineRecords.key(appKey, userId))?.size ?? 0;
  }

  private async send(connection: ImConnection): Promise<void> {
    await this.beforeRead();
    const now = this.now();
    this.pruneIfDue(now);
    const { appKey, userId } = connection;
    const key = OfflineRecords.key(appKey, userId);
    const records = await this.storage.offlineRecords.pending(appKey, userId, {
      limit: MAX_DELIVERED_PER_CONNECT,
      notBefore: now - MAX_AGE_MS,
      exclude: [...(this.inFlight.get(key) ?? [])],
    });
    for (const record of records) {
      // Another stream of the user may have claimed it while this one read.
      if (!this.claim(key, record.callId)) continue;
      const event: CallOfflineRecordEvent = { type: 'call.offline_record', ...record, conversationType: record.conversationType as 1 | 3 };
      connection.sendEvent(event, {
        acked: () => this.ackedOne(appKey, userId, record.callId),
        lost: () => this.release(key, record.callId),
      });
    }
  }

  private claim(key: string, callId: string): boolean {
    let calls = this.inFlight.get(key);
    if (!calls) {
      calls = new Set();
      this.inFlight.set(key, calls);
    }
    if (calls.has(callId)) return false;
    calls.add(callId);
    return true;
  }

  private release(key: string, callId: string): void {
    const calls = this.inFlight.get(key);
    if (!calls) return;
    calls.delete(callId);
    if (calls.size === 0) this.inFlight.delete(key);
  }

  /** Delivered: delete it (a cumulative ack acks many at once; they go in one delete). */
  private ackedOne(appKey: string, userId: string, callId: string): void {
    const key = OfflineRecords.key(appKey, userId);
    let batch = this.acked.get(key);
    if (!batch) {
      batch = { appKey, userId, callIds: [] };
      this.acked.set(key, batch);
    }
    batch.callIds.push(callId);
    if (this.removeScheduled) return;
    this.removeScheduled = true;
    queueMicrotask(() => this.removeAcked());
  }

  private removeAcked(): void {
    this.removeScheduled = false;
    const batches = [...this.acked.entries()];
    this.acked.clear();
    for (const [key, { appKey, userId, callIds }] of batches) {
      // Stays in flight until deleted, so no connect in between sends it again; a failed delete
      // leaves it stored and offered again (at least once).
      this.storage.offlineRecords
        .remove(appKey, userId, callIds)
        .catch((error: unknown) => this.logger.error({ err: error, userId }, 'deleting delivered offline records failed'))
        .finally(() => {
          for (const callId of callIds) this.release(key, callId);
        });
    }
  }

  private pruneIfDue(now: number): void {
    if (now - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = now;
    this.storage.offlineRecords
      .prune(now - MAX_AGE_MS)
      .then((count) => {
        if (count > 0) this.logger.info({ count }, 'dropped expired offline records');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'dropping expired offline records failed'));
  }
}
