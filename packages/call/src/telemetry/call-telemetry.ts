/**
 * One call session's quality telemetry (README "Call quality telemetry"): samples of every sent and
 * received track every `sampleIntervalMs` (taken from the room's stats reports, which run anyway for
 * `onRTCStateReport`: no second `getStats`), and this device's setup timings — invite → ringing,
 * accept → ICE connected, accept → first decoded frame — sent in batches by the uplink.
 */
import type { HangupTelemetry, TelemetrySetup } from '@opencall/protocol';
import type { CallStateReport } from '../rtc-port.js';
import { firstMediaAt, samplesFromReports } from './telemetry-samples.js';
import { type SendBatch, TelemetryUplink } from './telemetry-uplink.js';

/** `RCCall` init option `telemetry`. */
export interface CallTelemetryOptions {
  /** Default true. */
  enabled?: boolean;
  /** Time between two samples of a track (ms, default 2000; at least the RTC `statsReportInterval`). */
  sampleIntervalMs?: number;
  /** Time between two batches (ms, default 10000). */
  batchIntervalMs?: number;
  /** Samples kept while the socket is down; the oldest go beyond it (default 1000). */
  maxBufferedSamples?: number;
}

const clamp = (value: number | undefined, fallback: number, min: number, max: number) =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;

const span = (from: number | undefined, to: number | undefined) =>
  from !== undefined && to !== undefined && to >= from ? Math.min(600_000, Math.round(to - from)) : undefined;

export class CallTelemetry {
  private readonly uplink: TelemetryUplink;
  private readonly sampleIntervalMs: number;
  private lastSampleAt = 0;
  private iceConnected = false;
  private readonly marks: { start?: number; ringing?: number; accepted?: number; ice?: number; frame?: number } = {};

  constructor(
    callId: string,
    send: SendBatch,
    options: CallTelemetryOptions,
    private readonly isVideoCall: () => boolean,
    private readonly now: () => number = Date.now,
    serverNow?: () => number,
    onFailure?: (code: number, samples: number, kept: boolean) => void,
  ) {
    this.sampleIntervalMs = clamp(options.sampleIntervalMs, 2000, 200, 60_000);
    this.marks.start = now();
    this.uplink = new TelemetryUplink(callId, send, () => this.setup(), {
      batchIntervalMs: clamp(options.batchIntervalMs, 10_000, 1000, 300_000),
      maxBufferedSamples: clamp(options.maxBufferedSamples, 1000, 10, 100_000),
      now,
      ...(serverNow ? { serverNow } : {}),
      ...(onFailure ? { onFailure } : {}),
    });
  }

  /** Whether telemetry is on for these options (default on). */
  static enabled(options: CallTelemetryOptions | undefined): boolean {
    return options?.enabled !== false;
  }

  /** The other side rang (caller), or this device rang (callee). First time only. */
  ringing(): void {
    this.marks.ringing ??= this.now();
  }

  /** The call connected for this device (it answered, or its invitee did). */
  accepted(): void {
    this.marks.accepted ??= this.now();
    // A caller whose media was up while the call rang (group calls through the SFU): connected at once.
    if (this.iceConnected) this.marks.ice ??= this.marks.accepted;
  }

  iceState(state: string): void {
    this.iceConnected = state === 'connected' || state === 'completed';
    if (this.iceConnected && this.marks.accepted !== undefined) this.marks.ice ??= this.now();
  }

  /** One round of per-connection reports (every `statsReportInterval`); sampled every `sampleIntervalMs`. */
  reports(reports: readonly CallStateReport[]): void {
    const now = this.now();
    if (this.marks.accepted !== undefined && this.marks.frame === undefined) {
      const first = firstMediaAt(reports, now, this.isVideoCall());
      if (first !== undefined) this.marks.frame = Math.max(first, this.marks.accepted);
    }
    // 10 % slack: a report a little early for its slot still counts as that slot's sample.
    if (now - this.lastSampleAt < this.sampleIntervalMs * 0.9) return;
    this.lastSampleAt = now;
    this.uplink.add(samplesFromReports(reports, now));
  }

  /**
   * The call ended here: the last batch goes (retried through a link pause, bounded). A call that
   * never connected on this device and has no sample waiting sends nothing: no media to report, and
   * one frame less per unanswered call (its invite→ringing time is then not reported).
   */
  stop(): Promise<void> {
    if (this.marks.accepted === undefined && !this.uplink.hasPending()) {
      this.uplink.discard();
      return Promise.resolve();
    }
    return this.uplink.close();
  }

  /**
   * This device hangs up: its last batch, for the hang-up to carry (then `stop()` has nothing left to
   * send), or undefined when there is nothing to report or it does not fit (then `stop()` sends it).
   */
  lastBatch(): HangupTelemetry | undefined {
    if (this.marks.accepted === undefined && !this.uplink.hasPending()) return undefined;
    return this.uplink.takeLast();
  }

  private setup(): TelemetrySetup | undefined {
    const m = this.marks;
    const setup: TelemetrySetup = {};
    const ring = span(m.start, m.ringing);
    const ice = span(m.accepted, m.ice);
    const frame = span(m.accepted, m.frame);
    if (ring !== undefined) setup.ring = ring;
    if (ice !== undefined) setup.ice = ice;
    if (frame !== undefined) setup.frame = frame;
    return Object.keys(setup).length === 0 ? undefined : setup;
  }
}
