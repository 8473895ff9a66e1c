/**
 * Writes each call's timeline (`call_events`): invite, ringing, accept, reject, join, leave, media type
 * change, recovery, takeover, end. Off the hot path: the call service only appends to a buffer here (no
 * await in the intent path); the buffer goes to storage in one INSERT every `flushEveryMs` or once it
 * holds `flushAtRows` events. A failed write is logged and its events dropped (the timeline is a
 * diagnostic, never a reason to slow or fail a call). In cluster mode each node writes the events of
 * the calls it owns straight to the shared database.
 */
import { RCCallEndReason } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { CallEventKind, StoredCallEvent, TelemetryStore } from '../../ports/index.js';
import type { Call, Participant } from '../call/call.js';
import { newMessageId } from '../webhooks/webhook-rows.js';

/** Leaving reasons that mean the invitee turned the call down. */
const DECLINES: readonly RCCallEndReason[] = [
  RCCallEndReason.REJECT,
  RCCallEndReason.BUSY_LINE,
  RCCallEndReason.OTHER_CLIENT_IN_CALL,
  RCCallEndReason.ADDED_TO_BLACKLIST,
];

export interface CallTimelineOptions {
  store: Pick<TelemetryStore, 'addEvents'>;
  logger: Logger;
  now: () => number;
  flushEveryMs?: number;
  flushAtRows?: number;
  /** Events kept while a write is failing or slow; the oldest go beyond it (counted, logged). */
  maxBuffered?: number;
  /** Told after a call's `end` event (the `call.quality` report starts waiting for last batches). */
  onEnded?: (call: Call) => void;
}

export class CallTimeline {
  private buffer: StoredCallEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(private readonly options: CallTimelineOptions) {}

  invited(call: Call, inviterId: string, userIds: readonly string[]): void {
    if (userIds.length === 0) return;
    const inviter = call.participants.get(inviterId);
    this.add(call, 'invite', inviterId, inviter?.deviceId ?? '', { userIds: [...userIds], mediaType: call.mediaType });
  }

  ringing(call: Call, participant: Participant, deviceId: string): void {
    this.add(call, 'ringing', participant.userId, deviceId);
  }

  accepted(call: Call, participant: Participant): void {
    this.add(call, 'accept', participant.userId, participant.deviceId ?? '', { mediaType: call.mediaType });
  }

  /** The participant left the call: a `reject` when an invitee turned it down, else a `leave`. */
  left(call: Call, participant: Participant, reason: RCCallEndReason): void {
    const declined = !participant.isCaller && participant.joinedAt === 0 && DECLINES.includes(reason);
    this.add(call, declined ? 'reject' : 'leave', participant.userId, participant.deviceId ?? '', { reason });
  }

  /** The participant's device joined the media room. */
  joined(call: Call, participant: Participant): void {
    this.add(call, 'join', participant.userId, participant.deviceId ?? '', call.roomMode ? { mode: call.roomMode } : undefined);
  }

  mediaTypeChanged(call: Call, participant: Participant): void {
    this.add(call, 'media_type', participant.userId, participant.deviceId ?? '', { mediaType: call.mediaType });
  }

  /**
   * The call went on after a break: a device came back (`reconnect`), a restarted server restored it
   * (`restart`), or a device rebuilt its media connection (`p2p_relink`, `sfu_publisher`).
   */
  recovered(call: Call, userId: string, deviceId: string, cause: 'reconnect' | 'restart' | 'p2p_relink' | 'sfu_publisher'): void {
    this.add(call, 'recovery', userId, deviceId, { cause });
  }

  /** Another node took the call over (cluster mode). */
  takenOver(call: Call, nodeId: string): void {
    this.add(call, 'takeover', '', '', { nodeId, epoch: call.ownerEpoch });
  }

  /** The call ended: the caller's reason (the call's), and each participant's own. */
  ended(call: Call): void {
    const reasons: Record<string, number | null> = {};
    for (const p of call.participants.values()) reasons[p.userId] = p.endReason ?? null;
    const now = this.options.now();
    this.add(call, 'end', '', '', {
      reason: call.caller().endReason ?? RCCallEndReason.HANGUP,
      reasons,
      durationMs: call.beginAt > 0 ? Math.max(0, now - call.beginAt) : 0,
    });
    this.options.onEnded?.(call);
  }

  /** Resolves once everything appended so far has been written (or dropped on a failed write). */
  flushed(): Promise<void> {
    this.flush();
    return this.writing;
  }

  close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.flushed();
  }

  private add(call: Call, kind: CallEventKind, userId: string, deviceId: string, detail?: Record<string, unknown>): void {
    const at = this.options.now();
    this.buffer.push({
      // Sorts in write order (events of one millisecond keep their order when read back).
      id: newMessageId(at),
      appKey: call.appKey,
      callId: call.callId,
      at,
      kind,
      userId,
      deviceId,
      ...(detail ? { detail } : {}),
    });
    const cap = this.options.maxBuffered ?? 10_000;
    if (this.buffer.length > cap) {
      this.dropped += this.buffer.length - cap;
      this.buffer.splice(0, this.buffer.length - cap);
    }
    if (this.buffer.length >= (this.options.flushAtRows ?? 2000)) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushEveryMs ?? 500);
      this.timer.unref?.();
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    // One write at a time, in order.
    this.writing = this.writing.then(() =>
      this.options.store.addEvents(rows).catch((error: unknown) => {
        this.dropped += rows.length;
        this.options.logger.warn({ err: error, dropped: this.dropped }, 'call timeline: events not stored');
      }),
    );
  }
}
