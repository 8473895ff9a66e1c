/**
 * Settles an answered call's quality once its last telemetry is in — when every participant who joined
 * has sent its last batch (the SDK sends one at hang-up), or `waitMs` (default 10 s) after the end,
 * whichever comes first: `call_records.quality_mos` is set (always: the console and the read API filter
 * on it), then the `call.quality` webhook is written when the call's app has call events on (its own
 * callback URL or the env-wide one). The row goes through the webhook outbox like the other call
 * events (same order key: after `call.ended`).
 *
 * Held in memory by the node that ended the call: if that node dies within the wait, the call has no
 * `call.quality` event (its samples and record MOS are stored all the same).
 */
import type { Logger } from 'pino';
import type { Storage } from '../../ports/index.js';
import type { Call } from '../call/call.js';
import type { CallEventBody } from '../webhooks/call-event-bodies.js';
import { callEventRow } from '../webhooks/webhook-rows.js';
import { MAX_DETAIL_SAMPLES } from './call-detail.js';
import { participantQuality } from './quality-summary.js';
import { updateRecordMos } from './telemetry-ingest.js';

export interface CallQualityReportOptions {
  storage: Pick<Storage, 'telemetry' | 'outbox'>;
  /** Resolves once the records of calls that ended so far are stored (the call journal's commit). */
  recordsStored?: () => Promise<void>;
  logger: Logger;
  /**
   * False when no MOS sample of the call can be stored (then the record's MOS is not queried);
   * absent: always query (cluster mode: other nodes take batches too).
   */
  mayHaveMos?: (appKey: string, callId: string, callCreatedAt: number) => boolean;
  /** The webhook worker, nudged once a row is written (none: no webhook is written). */
  worker: { nudge(): void } | undefined;
  /** Whether the app's call events go anywhere (its own callback URL, else the env-wide one). */
  callEventsOn: (appKey: string) => boolean;
  now?: () => number;
  waitMs?: number;
}

interface Pending {
  appKey: string;
  callId: string;
  /** Participants who joined and have not sent their last batch yet. */
  waitingFor: Set<string>;
  participants: string[];
  createdAt: number;
  endedAt: number;
  timer: NodeJS.Timeout;
}

export class CallQualityReport {
  private readonly pending = new Map<string, Pending>();
  private readonly now: () => number;

  constructor(private readonly options: CallQualityReportOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The call ended: its report goes once its last batches are in, or after the wait. */
  callEnded(call: Call): void {
    // Only an answered call had media to report on.
    if (call.beginAt === 0) return;
    const joined = [...call.participants.values()].filter((p) => p.joinedAt > 0);
    if (joined.length === 0) return;
    const key = `${call.appKey}\n${call.callId}`;
    if (this.pending.has(key)) return;
    const timer = setTimeout(() => this.send(key), this.options.waitMs ?? 10_000);
    timer.unref?.();
    this.pending.set(key, {
      appKey: call.appKey,
      callId: call.callId,
      waitingFor: new Set(joined.map((p) => p.userId)),
      participants: [...call.participants.keys()],
      createdAt: call.init.createdAt,
      endedAt: this.now(),
      timer,
    });
  }

  /** A batch was stored; a participant's last one may complete the call's report. */
  batchStored(appKey: string, callId: string, userId: string, last: boolean): void {
    if (!last) return;
    const key = `${appKey}\n${callId}`;
    const entry = this.pending.get(key);
    if (!entry) return;
    entry.waitingFor.delete(userId);
    if (entry.waitingFor.size === 0) this.send(key);
  }

  /** Send what is pending now (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((key) => this.send(key)));
  }

  private async send(key: string): Promise<void> {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.pending.delete(key);
    clearTimeout(entry.timer);
    const { storage, logger } = this.options;
    try {
      const { mayHaveMos } = this.options;
      let qualityMos: number | null = null;
      if (!mayHaveMos || mayHaveMos(entry.appKey, entry.callId, entry.createdAt)) {
        await this.options.recordsStored?.().catch(() => undefined);
        qualityMos = (await updateRecordMos(storage, entry.appKey, entry.callId)) ?? null;
      }
      const { worker } = this.options;
      if (!worker || !this.options.callEventsOn(entry.appKey)) return;
      const samples = await storage.telemetry.samples(entry.appKey, entry.callId, MAX_DETAIL_SAMPLES);
      const now = this.now();
      const body: CallEventBody = {
        type: 'call.quality',
        timestamp: new Date(now).toISOString(),
        data: {
          appKey: entry.appKey,
          callId: entry.callId,
          endedAt: entry.endedAt,
          qualityMos,
          participants: entry.participants.map((userId) => participantQuality(userId, samples)),
        },
      };
      await storage.outbox.enqueue([callEventRow(entry.appKey, entry.callId, body, now)]);
      worker.nudge();
    } catch (error) {
      logger.error({ err: error, callId: entry.callId }, 'call.quality webhook not written');
    }
  }
}
