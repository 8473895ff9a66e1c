/** Requests waiting for their `res`, keyed by `rid`; each settles exactly once (answer, timeout or drop). */
import { ErrorCode, type UncheckedReply } from '@opencall/protocol';

interface Entry {
  resolve(result: UncheckedReply): void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingRequests {
  private readonly entries = new Map<number, Entry>();
  private lastRid = 0;

  /** Allocate the next `rid` and a promise that resolves with its answer, or TIMEOUT after `timeoutMs`. */
  open(timeoutMs: number, what: string): { rid: number; result: Promise<UncheckedReply> } {
    this.lastRid += 1;
    const rid = this.lastRid;
    const result = new Promise<UncheckedReply>((resolve) => {
      const timer = setTimeout(() => {
        this.entries.delete(rid);
        resolve({ code: ErrorCode.TIMEOUT, message: `no answer to ${what} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.entries.set(rid, { resolve, timer });
    });
    return { rid, result };
  }

  has(rid: number): boolean {
    return this.entries.has(rid);
  }

  /** Resolve request `rid`; false when it is unknown or already settled. */
  settle(rid: number, result: UncheckedReply): boolean {
    const entry = this.entries.get(rid);
    if (entry === undefined) return false;
    this.entries.delete(rid);
    clearTimeout(entry.timer);
    entry.resolve(result);
    return true;
  }

  /** Resolve every open request with `result` (the socket is gone). */
  settleAll(result: UncheckedReply): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.resolve(result);
    }
  }
}
