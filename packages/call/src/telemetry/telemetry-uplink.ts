/**
 * Sends a session's samples to the server in compact `call.telemetry` batches: every `batchIntervalMs`
 * and once more at the end (`last`). Nothing is lost to a socket blip: a batch the link could not take
 * (a transient code) stays buffered and goes with the next one. The buffer is bounded: beyond
 * `maxBufferedSamples` the oldest samples are dropped and counted (`dropped` in the next batch).
 */
import {
  type HangupTelemetry,
  MAX_HANGUP_TELEMETRY_SAMPLES,
  MAX_TELEMETRY_SAMPLES,
  type TelemetrySetup,
  TRANSIENT_REQUEST_CODES,
} from '@opencall/protocol';
import type { TimedSample } from './telemetry-samples.js';

export interface BatchBody {
  t: 'call.telemetry';
  callId: string;
  samples: import('@opencall/protocol').TelemetrySample[];
  setup?: TelemetrySetup;
  dropped?: number;
  last?: boolean;
  sentAt?: number;
}

export type SendBatch = (body: BatchBody) => Promise<{ code: number }>;

export interface UplinkOptions {
  batchIntervalMs: number;
  maxBufferedSamples: number;
  now: () => number;
  /** The client's estimate of the server clock (IMLib `getServerTime`), sent as `sentAt`. */
  serverNow?: () => number;
  /** Told when a batch was not taken: `kept` = buffered again (the link was down), else dropped. */
  onFailure?: (code: number, samples: number, kept: boolean) => void;
  /** Tries of the last batch while the link is down (default 20, `retryDelayMs` apart). */
  lastTries?: number;
  retryDelayMs?: number;
}

const SUCCESS_CODES = new Set([0, 200, 10000]);

export class TelemetryUplink {
  private buffer: TimedSample[] = [];
  private dropped = 0;
  private sending = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** The setup timings the server has (sent again only when they change). */
  private sentSetup = '';

  constructor(
    private readonly callId: string,
    private readonly send: SendBatch,
    private readonly setup: () => TelemetrySetup | undefined,
    private readonly options: UplinkOptions,
  ) {
    this.timer = setInterval(() => void this.flush(false), options.batchIntervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  add(samples: readonly TimedSample[]): void {
    if (this.closed) return;
    this.buffer.push(...samples);
    const over = this.buffer.length - this.options.maxBufferedSamples;
    if (over > 0) {
      this.buffer.splice(0, over);
      this.dropped += over;
    }
  }

  /** Whether samples wait to be sent. */
  hasPending(): boolean {
    return this.buffer.length > 0;
  }

  /** Stops without a last batch (nothing worth sending); later samples are ignored. */
  discard(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.buffer = [];
  }

  /**
   * The last batch as a hang-up carries it (`call.hangup`'s `telemetry`), when it fits in one and no
   * batch is in flight; then the uplink is closed (later samples are ignored). Undefined: send it with
   * `close()` instead.
   */
  takeLast(): HangupTelemetry | undefined {
    if (this.closed || this.sending || this.buffer.length > MAX_HANGUP_TELEMETRY_SAMPLES) return undefined;
    this.closed = true;
    clearInterval(this.timer);
    const { t: _t, callId: _callId, last: _last, ...body } = this.body(this.buffer.splice(0), true);
    return body;
  }

  /** The last batch (retried, bounded, while the link is down); later samples are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const tries = this.options.lastTries ?? 20;
    for (let attempt = 0; attempt < tries; attempt++) {
      if (await this.flush(true)) return;
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 500));
    }
  }

  private setupText(): string {
    const current = this.setup();
    return current ? JSON.stringify(current) : '';
  }

  /** A batch of `taken` (the setup timings only when changed since the server last took them). */
  private body(taken: readonly TimedSample[], final: boolean): BatchBody {
    const current = this.setup();
    const setup = this.setupText() !== this.sentSetup ? current : undefined;
    const now = this.options.now();
    return {
      t: 'call.telemetry',
      callId: this.callId,
      samples: taken.map(({ at, ...s }) => ({ ...s, ago: Math.min(3_600_000, Math.max(0, Math.round(now - at))) })),
      ...(setup ? { setup } : {}),
      ...(this.dropped > 0 ? { dropped: Math.min(this.dropped, 1_000_000) } : {}),
      ...(final ? { last: true } : {}),
      ...(this.options.serverNow ? { sentAt: Math.max(0, Math.round(this.options.serverNow())) } : {}),
    };
  }

  /** Sends what is buffered (in batches of at most the protocol's cap); false when the link could not take it. */
  private async flush(last: boolean): Promise<boolean> {
    if (this.sending) return false;
    this.sending = true;
    try {
      do {
        const taken = this.buffer.splice(0, MAX_TELEMETRY_SAMPLES);
        const final = last && this.buffer.length === 0;
        const body = this.body(taken, final);
        if (taken.length === 0 && !final && body.setup === undefined) return true;
        const setupText = this.setupText();
        const { code } = await this.send(body).catch(() => ({ code: -1 }));
        if (SUCCESS_CODES.has(code)) {
          this.dropped = 0;
          if (body.setup) this.sentSetup = setupText;
          continue;
        }
        if (TRANSIENT_REQUEST_CODES.has(code) || code === -1) {
          // Back to the front of the buffer: they go with the next batch.
          this.buffer.unshift(...taken);
          this.add([]);
          this.options.onFailure?.(code, taken.length, true);
          return false;
        }
        this.options.onFailure?.(code, taken.length, false);
        return true; // refused for good (not in the call any more): nothing to retry
      } while (this.buffer.length > 0);
      return true;
    } finally {
      this.sending = false;
    }
  }
}
