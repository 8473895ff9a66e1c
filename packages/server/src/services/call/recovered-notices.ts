/**
 * Calls a previous process left in flight (ended by crash recovery with NETWORK_ERROR): each device of
 * their participants that connects afresh is told `call.ended` once. The notices are kept for
 * `NOTICE_WINDOW_MS` after start — a device away longer has no call state left to correct.
 */
import { type CallEndedEvent, RCCallEndReason } from '@opencall/protocol';
import type { RecoveredCall } from './call-recovery.js';

export const NOTICE_WINDOW_MS = 10 * 60_000;

export class RecoveredCallNotices {
  #calls: readonly RecoveredCall[];
  readonly #told = new Set<string>();
  readonly #until: number;

  constructor(
    calls: readonly RecoveredCall[],
    private readonly now: () => number,
  ) {
    this.#calls = calls;
    this.#until = now() + NOTICE_WINDOW_MS;
  }

  /** The `call.ended` events a device that just connected (not resumed) has not been sent yet. */
  take(appKey: string, userId: string, deviceId: string): CallEndedEvent[] {
    if (this.#calls.length === 0) return [];
    if (this.now() > this.#until) {
      this.#calls = [];
      this.#told.clear();
      return [];
    }
    const events: CallEndedEvent[] = [];
    for (const call of this.#calls) {
      if (call.appKey !== appKey || !call.userIds.includes(userId)) continue;
      const key = `${appKey}\u0000${call.callId}\u0000${userId}\u0000${deviceId}`;
      if (this.#told.has(key)) continue;
      this.#told.add(key);
      events.push({
        type: 'call.ended',
        callId: call.callId,
        reason: RCCallEndReason.NETWORK_ERROR,
        beginTime: call.beginAt,
        endTime: call.endAt,
      });
    }
    return events;
  }
}
