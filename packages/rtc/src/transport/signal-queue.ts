/**
 * The one way a transport reaches the server: requests through the signaling port, strictly in order
 * per queue (a description must reach the other end before its candidates, a publish before its
 * trickle), each sent again (bounded, `requestThroughPause`) while the IM link is down — so a signal
 * given during a network blip (an ICE restart's offer, an owner mute, an SFU renegotiation) still
 * arrives once the link is back. Replies keep their port type.
 *
 * P2P keeps one queue per remote user (`PeerSignalChannel`), the SFU one per connection and one per
 * remote user for track states.
 */
import { RCCallErrorCode, requestThroughPause } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type { SignalingResult } from './room-signaling.js';

export interface SignalRetryPolicy {
  /** Sends in all for one request while the link is down (default 21). */
  attempts: number;
  /** Pause between sends (ms, default 500): ≈10 s of patience with the defaults. */
  delayMs: number;
}

export const DEFAULT_SIGNAL_RETRY: SignalRetryPolicy = { attempts: 21, delayMs: 500 };

export class SignalQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly logger: RtcLogger,
    /** Who the queue talks for, in log lines (`P2P bob`, `SFU publisher`). */
    private readonly label: string,
    private readonly policy: SignalRetryPolicy = DEFAULT_SIGNAL_RETRY,
  ) {}

  /**
   * Sends `request()` after every request queued before it, again while the link is down. Resolves
   * with the last answer, or `undefined` when the queue was closed before it was sent.
   */
  run<R extends SignalingResult>(what: string, request: () => Promise<R>): Promise<R | undefined> {
    const result = this.#tail.then(async (): Promise<R | undefined> => {
      if (this.#closed) return undefined;
      const answer = await requestThroughPause(request, {
        attempts: this.policy.attempts,
        delayMs: this.policy.delayMs,
        cancelled: () => this.#closed,
      });
      if (answer.code !== RCCallErrorCode.SUCCESS && !this.#closed) this.logger.warn(`${this.label}: ${what} failed with ${answer.code}`);
      return answer;
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Stop retrying, and send nothing more (the peer, the connection or the room is gone). */
  close(): void {
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves once everything queued so far was answered (or dropped). */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
