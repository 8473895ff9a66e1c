/**
 * The journal of calls in flight: a snapshot after every change, removed when the call ends. After a
 * crash (`kill -9`) the next start carries each journaled call on, or closes it (call-recovery.ts).
 *
 * A call's end is one transaction: its call record, the offline records of the invitees it never
 * reached, and the removal of its snapshot — so a crash leaves either the snapshot (recovery stores
 * both records) or both records, never a call whose missed invitees were forgotten.
 *
 * Acknowledged means stored: writes are group-committed (one transaction per tick for every call
 * that changed in it) and `durable()` resolves once the batch holding the latest change has
 * committed, so the call service answers a client's intent only after its effect is on disk.
 *
 * Outbox rows (push notices) join the batch being gathered and commit in its transaction, with the
 * call change that caused them; `onOutboxCommitted` runs after a commit that added some.
 */
import type { Logger } from 'pino';
import type { CallRecord, NewOutboxRow, Storage } from '../../ports/index.js';
import type { Call } from './call.js';
import { snapshotOf } from './call-snapshot.js';
import { type MissedCall, storeMissedCalls } from './offline-records.js';

export class CallJournal {
  /** The latest pending operation per call; written together, in one transaction, once per tick. */
  private readonly pending = new Map<string, { call: Call; record?: CallRecord; missed?: MissedCall[] }>();
  /** Calls whose snapshot row exists in storage. */
  private readonly written = new Set<string>();
  /** Outbox rows of the batch being gathered. */
  private outbox: NewOutboxRow[] = [];
  private scheduled = false;
  /** Settles when the batch being gathered now (not yet written) has committed. */
  private gathering: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** The last batch handed to storage; rejects if its transaction failed. */
  private lastBatch: Promise<void> = Promise.resolve();
  /** Every write in order; never rejects (failures are logged). */
  private tail: Promise<void> = Promise.resolve();

  /** Told of calls whose writes were fenced (another node took them over at a later epoch). */
  private fencedListener: (calls: Call[]) => void = () => undefined;

  /** @param nodeId this node, written as the owner of every call it journals ('' in the embedded default) */
  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly nodeId = '',
    private readonly onOutboxCommitted: () => void = () => undefined,
  ) {}

  /** Calls this node lost: their writes were refused because another node owns them now. */
  onFenced(listener: (calls: Call[]) => void): void {
    this.fencedListener = listener;
  }

  private static key(call: Call): string {
    return `${call.appKey}\u0000${call.callId}`;
  }

  /** A call restored from its snapshot at start-up: its row exists (its end removes it). */
  adopt(call: Call): void {
    this.written.add(CallJournal.key(call));
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

  /** Outbox rows caused by a change of `call`: inserted in the transaction of the batch holding that change. */
  enqueue(_call: Call, rows: readonly NewOutboxRow[]): void {
    this.outbox.push(...rows);
    this.schedule();
  }

  /** Resolves once every queued write is done (tests, shutdown). */
  async flushed(): Promise<void> {
    if (this.pending.size > 0 || this.outbox.length > 0) this.flush();
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
    const outbox = this.outbox;
    this.outbox = [];
    if (batch.length === 0 && outbox.length === 0) {
      gathered?.resolve();
      return;
    }
    const updatedAt = this.now();
    const fenced: Call[] = [];
    const written = this.tail.then(() =>
      this.storage.transaction(async (tx) => {
        // Every snapshot of the batch in one statement; then the calls that ended, one by one.
        const snapshots: { key: string; call: Call }[] = [];
        for (const [key, { call, record }] of batch) if (!record) snapshots.push({ key, call });
        if (snapshots.length > 0) {
          const saved = await tx.activeCalls.saveMany(
            snapshots.map(({ call }) => ({
              appKey: call.appKey,
              callId: call.callId,
              snapshot: snapshotOf(call),
              updatedAt,
              ownerNode: this.nodeId,
              ownerEpoch: call.ownerEpoch,
            })),
          );
          snapshots.forEach(({ key, call }, i) => {
            if (saved[i]) this.written.add(key);
            else fenced.push(call);
          });
        }
        const ended = batch.flatMap(([key, { call, record, missed }]) => (record ? [{ key, call, record, missed }] : []));
        // Only the owner at the row's epoch ends the call: a fenced writer's record is dropped.
        const journaled = ended.filter(({ key }) => this.written.delete(key));
        const removed = await tx.activeCalls.removeMany(journaled.map(({ call }) => call));
        const lost = new Set(journaled.filter((_, i) => !removed[i]).map(({ call }) => call));
        fenced.push(...lost);
        const stored = ended.filter(({ call }) => !lost.has(call));
        await tx.calls.saveMany(stored.map(({ record }) => record));
        for (const { call, missed } of stored) await storeMissedCalls(tx, call.appKey, missed ?? []);
        if (outbox.length > 0) await tx.outbox.enqueue(outbox);
      }),
    );
    written.then(
      () => {
        gathered?.resolve();
        for (const call of fenced) this.written.delete(CallJournal.key(call));
        if (fenced.length > 0) this.fencedListener(fenced);
        if (outbox.length > 0) this.onOutboxCommitted();
      },
      (error: unknown) => gathered?.reject(error),
    );
    this.lastBatch = written;
    this.lastBatch.catch(() => undefined);
    this.tail = written.catch((error: unknown) => this.logger.error({ err: error }, 'call journal write failed'));
  }
}
