/**
 * The journal of calls in flight: a snapshot after every change, removed when the call ends. After a
 * crash (`kill -9`) the next start closes every journaled call with NETWORK_ERROR, stores its record
 * and tells its participants' devices when they reconnect.
 *
 * A call's end is one transaction: its call record, the offline records of the invitees it never
 * reached, and the removal of its snapshot — so a crash leaves either the snapshot (recovery stores
 * both records) or both records, never a call whose missed invitees were forgotten.
 *
 * Acknowledged means stored: writes are group-committed (one transaction per tick for every call
 * that changed in it) and `durable()` resolves once the batch holding the latest change has
 * committed, so the call service answers a client's intent only after its effect is on disk.
 */
import { RCCallEndReason } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { CallRecord, Storage } from '../../ports.js';
import { Call, type CallInit, type Participant } from './call.js';
import { type MissedCall, missedCalls, storeMissedCalls } from './offline-records.js';

interface ParticipantSnapshot {
  userId: string;
  isCaller: boolean;
  state: Participant['state'];
  deviceId: string | undefined;
  joinedAt: number;
  leftAt: number;
  endReason: RCCallEndReason | undefined;
  inviterId: string;
  /** Absent in snapshots written before offline records were recovered: read as reached. */
  reached?: boolean;
}

interface CallSnapshot {
  v: 1;
  init: Omit<CallInit, 'callerProfile'>;
  mediaType: Call['mediaType'];
  beginAt: number;
  participants: ParticipantSnapshot[];
}

/** A call closed at start-up: who was still in it. */
export interface RecoveredCall {
  appKey: string;
  callId: string;
  beginAt: number;
  endAt: number;
  /** Participants still in the call that had seen it (invitees it never reached get an offline record). */
  userIds: string[];
}

export class CallJournal {
  /** The latest pending operation per call; written together, in one transaction, once per tick. */
  private readonly pending = new Map<string, { call: Call; record?: CallRecord; missed?: MissedCall[] }>();
  /** Calls whose snapshot row exists in storage. */
  private readonly written = new Set<string>();
  private scheduled = false;
  /** Settles when the batch being gathered now (not yet written) has committed. */
  private gathering: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** The last batch handed to storage; rejects if its transaction failed. */
  private lastBatch: Promise<void> = Promise.resolve();
  /** Every write in order; never rejects (failures are logged). */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  private static key(call: Call): string {
    return `${call.appKey}\u0000${call.callId}`;
  }

  /** Snapshot the call (taken when the batch is written, so only its latest state costs a write). */
  record(call: Call): void {
    const key = CallJournal.key(call);
    if (this.pending.get(key)?.record) return;
    this.pending.set(key, { call });
    this.schedule();
  }

  /**
   * The call ended: store its record and the offline records of the invitees it never reached, and
   * drop its snapshot, in one transaction (a call that never got a snapshot costs one write).
   */
  finish(call: Call, record: CallRecord, missed: MissedCall[]): void {
    this.pending.set(CallJournal.key(call), { call, record, missed });
    this.schedule();
  }

  /** Resolves once every queued write is done (tests, shutdown). */
  async flushed(): Promise<void> {
    if (this.pending.size > 0) this.flush();
    await this.tail;
  }

  /**
   * Resolves once every change recorded so far is committed; rejects if its transaction failed.
   * Answer an intent only after this (changes of one tick share one commit).
   */
  durable(): Promise<void> {
    return this.gathering?.promise ?? this.lastBatch;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A batch nobody awaits must not surface as an unhandled rejection (the failure is logged below).
    promise.catch(() => undefined);
    this.gathering = { promise, resolve, reject };
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const gathered = this.gathering;
    this.gathering = undefined;
    const batch = [...this.pending.entries()];
    this.pending.clear();
    if (batch.length === 0) {
      gathered?.resolve();
      return;
    }
    const updatedAt = this.now();
    const written = this.tail.then(() =>
      this.storage.transaction(async (tx) => {
        for (const [key, { call, record, missed }] of batch) {
          if (record) {
            await tx.calls.save(record);
            await storeMissedCalls(tx, call.appKey, missed ?? []);
            if (this.written.delete(key)) await tx.activeCalls.remove(call.appKey, call.callId);
          } else {
            await tx.activeCalls.save({ appKey: call.appKey, callId: call.callId, snapshot: snapshotOf(call), updatedAt });
            this.written.add(key);
          }
        }
      }),
    );
    written.then(
      () => gathered?.resolve(),
      (error: unknown) => gathered?.reject(error),
    );
    this.lastBatch = written;
    this.lastBatch.catch(() => undefined);
    this.tail = written.catch((error: unknown) => this.logger.error({ err: error }, 'call journal write failed'));
  }
}

function snapshotOf(call: Call): string {
  const { callerProfile: _profile, ...init } = call.init;
  const snapshot: CallSnapshot = {
    v: 1,
    init,
    mediaType: call.mediaType,
    beginAt: call.beginAt,
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
    })),
  };
  return JSON.stringify(snapshot);
}

/**
 * Close every call a previous process left in flight: NETWORK_ERROR for whoever was still in it, and
 * an offline record for each invitee it never reached (one transaction per call).
 */
export async function recoverInterruptedCalls(storage: Storage, logger: Logger, now: number): Promise<RecoveredCall[]> {
  const recovered: RecoveredCall[] = [];
  for (const entry of await storage.activeCalls.all()) {
    try {
      const snapshot = JSON.parse(entry.snapshot) as CallSnapshot;
      const call = new Call({ ...snapshot.init, callerProfile: undefined });
      call.mediaType = snapshot.mediaType;
      call.beginAt = snapshot.beginAt;
      call.participants.clear();
      const present: string[] = [];
      for (const p of snapshot.participants) {
        const participant = call.addInvitee(p.userId, p.inviterId, 0, p.reached ?? true);
        // Restore the journaled state (deserialisation), then leave through the machine.
        Object.assign(participant, {
          isCaller: p.isCaller,
          deviceId: p.deviceId,
          joinedAt: p.joinedAt,
          leftAt: p.leftAt,
          endReason: p.endReason,
          state: p.state,
        });
        if (participant.state !== 'left') {
          call.move(participant, 'leave');
          participant.endReason = RCCallEndReason.NETWORK_ERROR;
          participant.leftAt = now;
          if (participant.reached) present.push(p.userId);
        }
      }
      await storage.transaction(async (tx) => {
        await tx.calls.save(call.toRecord(now));
        await storeMissedCalls(tx, entry.appKey, missedCalls(call, now));
        await tx.activeCalls.remove(entry.appKey, entry.callId);
      });
      recovered.push({ appKey: entry.appKey, callId: entry.callId, beginAt: call.beginAt, endAt: now, userIds: present });
    } catch (error) {
      logger.error({ err: error, callId: entry.callId }, 'could not recover an interrupted call');
      await storage.activeCalls.remove(entry.appKey, entry.callId);
    }
  }
  if (recovered.length > 0) logger.warn({ calls: recovered.length }, 'closed calls interrupted by the previous shutdown');
  return recovered;
}
