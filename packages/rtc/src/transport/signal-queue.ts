/**
 * Sends one peer's signals strictly in order (a description must reach the peer before its candidates).
 * A send that fails because the IM link is down is tried again (bounded), so a description sent during
 * a network blip — an ICE restart's offer, typically — still arrives once the link is back.
 */
import { RCCallErrorCode, type RtcSignal, TRANSIENT_REQUEST_CODES } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type { RoomSignalingPort } from './room-signaling.js';

export class SignalQueue {
  #tail: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly signaling: RoomSignalingPort,
    private readonly roomId: string,
    private readonly toUserId: string,
    private readonly logger: RtcLogger,
    private readonly retries = 20,
    private readonly retryDelayMs = 500,
  ) {}

  send(signal: RtcSignal): Promise<void> {
    this.#tail = this.#tail.then(async () => {
      for (let attempt = 0; !this.#closed; attempt += 1) {
        const { code } = await this.signaling.signal(this.roomId, this.toUserId, signal);
        if (code === RCCallErrorCode.SUCCESS) return;
        if (!TRANSIENT_REQUEST_CODES.has(code) || attempt >= this.retries) {
          this.logger.warn(`signal ${signal.kind} to ${this.toUserId} failed with ${code}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      }
    });
    return this.#tail;
  }

  /** Stop retrying (the peer or the room is gone). */
  close(): void {
    this.#closed = true;
  }

  /** Resolves once everything sent so far was answered by the server. */
  drain(): Promise<void> {
    return this.#tail;
  }
}
