/** Index of calls in flight: by id, and by user (to detect busy users). */
import type { Call } from './call.js';

export class CallDirectory {
  private readonly byId = new Map<string, Call>();
  private readonly byUser = new Map<string, Set<Call>>();

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
    this.byId.delete(CallDirectory.key(call.appKey, call.callId));
    for (const participant of call.participants.values()) this.unlink(call, participant.userId);
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
