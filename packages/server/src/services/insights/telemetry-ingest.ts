/**
 * Ingest of `call.telemetry` batches: validated by the protocol schema at the socket, authorized here
 * (the sender is a participant of the call in its own app: a call in flight on this node or that ended
 * here lately — both answered from memory —, one another node journals, or one whose record ended
 * within `lateWindowMs`), dated and scored (telemetry-batch.ts), capped per call and device, and
 * group-committed with the other batches of the tick (telemetry-writer.ts). The call record's
 * `quality_mos` (the mean of its participants' MOS) follows each batch, so samples that arrive after the
 * record was written at hang-up still count. In cluster mode any node may take a batch: it writes
 * straight to the shared database.
 */
import { type CallTelemetryRequest, RCCallErrorCode } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { Storage } from '../../ports/index.js';
import type { CallDirectory } from '../call/call-directory.js';
import { parseCallSnapshot } from '../call/call-snapshot.js';
import { fail, type IntentResult, ok } from '../call/intent-result.js';
import { samplesFrom, setupFrom } from './telemetry-batch.js';
import { TelemetryWriter } from './telemetry-writer.js';

export interface TelemetryIngestOptions {
  storage: Pick<Storage, 'telemetry' | 'calls' | 'activeCalls' | 'transaction'>;
  /** The calls in flight on this node (and those that ended here lately). */
  calls: Pick<CallDirectory, 'get' | 'endedCall'>;
  /** Resolves once the records of calls that ended so far are stored (the call journal's commit). */
  recordsStored?: () => Promise<void>;
  logger: Logger;
  now?: () => number;
  /** Samples kept per call and device; later ones are dropped (default 10000: > 40 min of a 1:1 video call). */
  maxSamplesPerDevice?: number;
  /** How long after its end a call still takes batches (default 5 min). */
  lateWindowMs?: number;
  /** Told after each stored batch (the `call.quality` webhook waits for last batches). */
  onStored?: (appKey: string, callId: string, sender: { userId: string; deviceId: string }, last: boolean) => void;
}

export interface TelemetrySender {
  appKey: string;
  userId: string;
  deviceId: string;
}

/** Counters kept per call/device entry; the map is bounded (oldest entries go first). */
const MAX_TRACKED_DEVICES = 20_000;
/** Calls remembered as having MOS samples stored by this process (oldest forgotten first). */
const MAX_TRACKED_MOS_CALLS = 100_000;

export class TelemetryIngest {
  private readonly counts = new Map<string, number>();
  private readonly now: () => number;
  private readonly writer: TelemetryWriter;
  /** Calls this process stored a sample with a MOS for; `forgottenBefore`: calls started before it may be missing. */
  private readonly mosCalls = new Set<string>();
  private forgottenBefore = 0;
  private readonly startedAt: number;
  /** Samples refused by the per-device cap, and those the SDKs said they dropped. */
  readonly dropped = { overCap: 0, byClients: 0 };

  constructor(private readonly options: TelemetryIngestOptions) {
    this.now = options.now ?? Date.now;
    this.writer = new TelemetryWriter(options.storage);
    this.startedAt = this.now();
  }

  /**
   * Whether a MOS sample of the call may be stored — false only when this process took every batch of
   * the call (single node: call and devices here since it started) and none had a MOS. Lets the end of
   * a call without media skip the query for its MOS.
   */
  mayHaveMos(appKey: string, callId: string, callCreatedAt: number): boolean {
    if (callCreatedAt <= this.startedAt || callCreatedAt <= this.forgottenBefore) return true;
    return this.mosCalls.has(`${appKey}\n${callId}`);
  }

  private rememberMos(appKey: string, callId: string): void {
    const key = `${appKey}\n${callId}`;
    if (this.mosCalls.has(key)) return;
    this.mosCalls.add(key);
    if (this.mosCalls.size <= MAX_TRACKED_MOS_CALLS) return;
    const oldest = this.mosCalls.values().next().value;
    if (oldest !== undefined) this.mosCalls.delete(oldest);
    this.forgottenBefore = this.now();
  }

  /** Resolves once every accepted batch is committed (tests, shutdown). */
  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  async ingest(from: TelemetrySender, batch: Omit<CallTelemetryRequest, 't' | 'rid'>): Promise<IntentResult> {
    const found = await this.authorize(from, batch.callId);
    if ('code' in found) return found;
    const { storage } = this.options;
    const now = this.now();
    const sender = { userId: from.userId, deviceId: from.deviceId };
    this.dropped.byClients += batch.dropped ?? 0;
    const samples = samplesFrom(sender, batch, now);
    const kept = await this.withinCap(from, batch.callId, samples.length);
    const setup = setupFrom(batch);
    const withMos = samples.slice(0, kept).some((s) => s.mos !== undefined);
    if (withMos) this.rememberMos(from.appKey, batch.callId);
    try {
      if (kept > 0 || setup)
        await this.writer.write(
          from.appKey,
          batch.callId,
          kept < samples.length ? samples.slice(0, kept) : samples,
          setup ? { ...sender, at: now, ...setup } : undefined,
        );
      // The record is written when the call ends: only then is there a summary to keep up to date.
      if (found.ended && withMos) {
        await this.options.recordsStored?.().catch(() => undefined);
        await updateRecordMos(storage, from.appKey, batch.callId);
      }
    } catch (error) {
      this.options.logger.error({ err: error, callId: batch.callId }, 'telemetry: batch not stored');
      return fail(RCCallErrorCode.STORAGE_UNAVAILABLE, 'the telemetry could not be stored');
    }
    this.options.onStored?.(from.appKey, batch.callId, sender, batch.last === true);
    return ok;
  }

  /** Whether `from` may report on the call (and whether the call has ended), else the refusal. */
  private async authorize(from: TelemetrySender, callId: string): Promise<{ ended: boolean } | IntentResult> {
    const live = this.options.calls.get(from.appKey, callId);
    if (live) {
      const participant = live.participants.get(from.userId);
      if (!participant) return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
      if (participant.deviceId !== undefined && participant.deviceId !== from.deviceId)
        return fail(RCCallErrorCode.NOT_IN_CALL, 'this device is not the one in the call');
      return { ended: false };
    }
    const ended = this.options.calls.endedCall(from.appKey, callId);
    if (ended) {
      const participant = ended.participants.find((p) => p.userId === from.userId);
      if (!participant) return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
      if (participant.deviceId !== '' && participant.deviceId !== from.deviceId)
        return fail(RCCallErrorCode.NOT_IN_CALL, 'this device is not the one in the call');
      // (the directory forgets ended calls well within the late window)
      return { ended: true };
    }
    const { storage } = this.options;
    const record = await storage.calls.get(from.appKey, callId);
    if (record) {
      const participant = record.participants.find((p) => p.userId === from.userId);
      if (!participant) return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
      if (participant.deviceId !== '' && participant.deviceId !== from.deviceId)
        return fail(RCCallErrorCode.NOT_IN_CALL, 'this device is not the one in the call');
      if (record.endAt + (this.options.lateWindowMs ?? 300_000) < this.now())
        return fail(RCCallErrorCode.CALL_NOT_FOUND, 'the call ended too long ago');
      return { ended: true };
    }
    // Cluster mode: another node runs the call; its journal row says who is in it.
    const journaled = await storage.activeCalls.get(from.appKey, callId);
    if (journaled) {
      try {
        const snapshot = parseCallSnapshot(journaled.snapshot);
        const participant = snapshot.participants.find((p) => p.userId === from.userId);
        if (participant) return { ended: false };
      } catch {
        // unreadable: refused below
      }
      return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
    }
    return fail(RCCallErrorCode.CALL_NOT_FOUND, 'no such call');
  }

  /** How many of `incoming` samples fit under the device's cap (and counts them in). */
  private async withinCap(from: TelemetrySender, callId: string, incoming: number): Promise<number> {
    if (incoming === 0) return 0;
    const cap = this.options.maxSamplesPerDevice ?? 10_000;
    const key = `${from.appKey}\n${callId}\n${from.userId}\n${from.deviceId}`;
    let stored = this.counts.get(key);
    if (stored === undefined) {
      const counts = await this.options.storage.telemetry.sampleCounts(from.appKey, callId);
      stored = counts.get(`${from.userId}/${from.deviceId}`) ?? 0;
    } else this.counts.delete(key); // re-inserted below: most recently used last
    const kept = Math.max(0, Math.min(incoming, cap - stored));
    this.dropped.overCap += incoming - kept;
    this.counts.set(key, stored + kept);
    if (this.counts.size > MAX_TRACKED_DEVICES) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
    return kept;
  }
}

/** `call_records.quality_mos` := mean of the participants' mean MOS (no-op while the record is not written). */
export async function updateRecordMos(storage: Pick<Storage, 'telemetry'>, appKey: string, callId: string): Promise<number | undefined> {
  const byUser = await storage.telemetry.meanMosByUser(appKey, callId);
  if (byUser.size === 0) return undefined;
  const mos = Math.round(([...byUser.values()].reduce((a, b) => a + b, 0) / byUser.size) * 100) / 100;
  await storage.telemetry.setRecordMos(appKey, callId, mos);
  return mos;
}
