/**
 * Call metrics fed by the call service's transitions ({@link CallLifecycleObserver}): outcomes by
 * end reason, ring outcomes, and the setup latencies the server sees — invite → ringing (per
 * invitee's first ringing device) and accept → connected (the answering device joined the media
 * room). Synchronous counter updates only; a failure is logged, never thrown into the call path.
 */
import { RCCallEndReason } from '@opencall/protocol';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Call, Participant } from '../call/call.js';
import type { CallLifecycleObserver } from '../call/call-lifecycle.js';
import { RING_OUTCOMES, type RingOutcome, ringOutcomeOfLeave } from './ring-outcome.js';

/** Seconds: from 50 ms (a LAN answer) to 30 s (a slow ICE). */
const SETUP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30];
/** Seconds: 10 s to 4 h. */
const DURATION_BUCKETS = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];

function reasonName(reason: RCCallEndReason): string {
  return RCCallEndReason[reason] ?? String(reason);
}

export class CallMetrics implements CallLifecycleObserver {
  readonly #ended: Counter<'reason' | 'connected'>;
  readonly #rings: Counter<'outcome'>;
  readonly #inviteToRinging: Histogram;
  readonly #acceptToConnected: Histogram;
  readonly #duration: Histogram;
  /** When each invitee was invited (first ringing device only is measured). */
  readonly #invitedAt = new WeakMap<Call, Map<string, number>>();
  readonly #acceptedAt = new WeakMap<Participant, number>();
  /** Invitees whose ring outcome is counted. */
  readonly #ringDone = new WeakSet<Participant>();

  constructor(
    registry: Registry,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {
    const registers = [registry];
    this.#ended = new Counter({
      name: 'opencall_calls_ended_total',
      help: 'Calls ended on this node, by the caller-side end reason and whether they connected',
      labelNames: ['reason', 'connected'],
      registers,
    });
    this.#rings = new Counter({
      name: 'opencall_ring_outcomes_total',
      help: 'Invitees that stopped ringing, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of RING_OUTCOMES) this.#rings.inc({ outcome }, 0);
    this.#inviteToRinging = new Histogram({
      name: 'opencall_call_invite_to_ringing_seconds',
      help: "From an invite to the invitee's first ringing device, as the server sees it",
      buckets: SETUP_BUCKETS,
      registers,
    });
    this.#acceptToConnected = new Histogram({
      name: 'opencall_call_accept_to_connected_seconds',
      help: "From an answer to the answering device joining the call's media room, as the server sees it",
      buckets: SETUP_BUCKETS,
      registers,
    });
    this.#duration = new Histogram({
      name: 'opencall_call_duration_seconds',
      help: 'Connected duration of the calls that ended on this node',
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  invited(call: Call, userIds: readonly string[], at: number): void {
    this.#safely('invited', () => {
      const invited = this.#invitedAt.get(call) ?? new Map<string, number>();
      for (const userId of userIds) invited.set(userId, at);
      this.#invitedAt.set(call, invited);
    });
  }

  ringing(call: Call, participant: Participant, at: number): void {
    this.#safely('ringing', () => {
      const invited = this.#invitedAt.get(call);
      const invitedAt = invited?.get(participant.userId);
      if (invited === undefined || invitedAt === undefined) return;
      invited.delete(participant.userId);
      this.#inviteToRinging.observe(Math.max(0, at - invitedAt) / 1000);
    });
  }

  accepted(_call: Call, participant: Participant, at: number): void {
    this.#safely('accepted', () => {
      this.#acceptedAt.set(participant, at);
      this.#ring(participant, 'answered');
    });
  }

  roomJoined(_call: Call, participant: Participant, at: number): void {
    this.#safely('roomJoined', () => {
      const acceptedAt = this.#acceptedAt.get(participant);
      if (acceptedAt === undefined) return;
      this.#acceptedAt.delete(participant);
      this.#acceptToConnected.observe(Math.max(0, at - acceptedAt) / 1000);
    });
  }

  memberLeft(_call: Call, participant: Participant, reason: RCCallEndReason): void {
    this.#safely('memberLeft', () => {
      if (!participant.isCaller && participant.joinedAt === 0) this.#ring(participant, ringOutcomeOfLeave(reason));
    });
  }

  ended(call: Call, at: number): void {
    this.#safely('ended', () => {
      for (const participant of call.participants.values()) {
        if (!participant.isCaller && participant.joinedAt === 0) this.#ring(participant, 'cancelled');
      }
      const connected = call.beginAt > 0;
      this.#ended.inc({ reason: reasonName(call.caller().endReason ?? RCCallEndReason.HANGUP), connected: connected ? 'yes' : 'no' });
      if (connected) this.#duration.observe(Math.max(0, at - call.beginAt) / 1000);
    });
  }

  #ring(participant: Participant, outcome: RingOutcome): void {
    if (this.#ringDone.has(participant)) return;
    this.#ringDone.add(participant);
    this.#rings.inc({ outcome });
  }

  #safely(event: string, update: () => void): void {
    try {
      update();
    } catch (error) {
      this.logger.warn({ err: error, event }, 'call metrics update failed');
    }
  }
}
