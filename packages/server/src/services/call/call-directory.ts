/** Index of calls in flight: by id, and by user (to detect busy users); and the ids of calls that just ended. */
import type { Call } from './call.js';

/** How long, and how many, ended call ids are remembered (a retried invite must not start a call again). */
const RECENTLY_ENDED_MS = 2 * 60_000;
const RECENTLY_ENDED_MAX = 100_000;

/** What is kept of a call that ended in this process: enough to tell who may still report on it. */
export interface EndedCall {
  endedAt: number;
  /** Every participant and the device that took part ('' for one that never answered). */
  participants: ReadonlyArray<{ readonly userId: string; readonly deviceId: string }>;
}

export class CallDirectory {
  private readonly byId = new Map<string, Call>();
  private readonly byUser = new Map<string, Set<Call>>();
  /** key → the ended call, in end order. */
  private readonly ended = new Map<string, EndedCall>();

  constructor(private readonly now: () => number = Date.now) {}

  private static key(appKey: string, id: string): string {
    return `${appKey}\u0000${id}`;
  }

  get(appKey: string, callId: string): Call | undefined {
    return this.byId.get(CallDirectory.key(appKey, callId));
  }

  add(call: Call): void {
    this.byId.set(CallDirectory.key(call.appKey, call.callId), call);
  }

  remove(call: Call): void {
    const key = CallDirectory.key(call.appKey, call.callId);
    this.byId.delete(key);
    for (const participant of call.participants.values()) this.unlink(call, participant.userId);
    const now = this.now();
    const participants = [...call.participants.values()].map((p) => ({ userId: p.userId, deviceId: p.deviceId ?? '' }));
    this.ended.set(key, { endedAt: now, participants });
    for (const [oldest, { endedAt }] of this.ended) {
      if (this.ended.size <= RECENTLY_ENDED_MAX && now - endedAt <= RECENTLY_ENDED_MS) break;
      this.ended.delete(oldest);
    }
  }

  /** Forget a call this node no longer owns (it did not end: another node carries it on). */
  drop(call: Call): void {
    this.byId.delete(CallDirectory.key(call.appKey, call.callId));
    for (const participant of call.participants.values()) this.unlink(call, participant.userId);
  }

  /** The call ended in this process within the last two minutes. */
  endedRecently(appKey: string, callId: string): boolean {
    return this.endedCall(appKey, callId) !== undefined;
  }

  /** The call, if it ended in this process within the last two minutes. */
  endedCall(appKey: string, callId: string): EndedCall | undefined {
    const ended = this.ended.get(CallDirectory.key(appKey, callId));
    return ended !== undefined && this.now() - ended.endedAt <= RECENTLY_ENDED_MS ? ended : undefined;
  }

  link(call: Call, userId: string): void {
    const key = CallDirectory.key(call.appKey, userId);
    let set = this.byUser.get(key);
    if (!set) {
      set = new Set();
      this.byUser.set(key, set);
    }
    set.add(call);
  }

  unlink(call: Call, userId: string): void {
    const key = CallDirectory.key(call.appKey, userId);
    const set = this.byUser.get(key);
    if (!set) return;
    set.delete(call);
    if (set.size === 0) this.byUser.delete(key);
  }

  /** Calls the user takes part in (not left), other than `exceptCallId`. */
  callsOf(appKey: string, userId: string, exceptCallId?: string): Call[] {
    return [...(this.byUser.get(CallDirectory.key(appKey, userId)) ?? [])].filter((c) => c.callId !== exceptCallId);
  }

  all(): Call[] {
    return [...this.byId.values()];
  }
}
