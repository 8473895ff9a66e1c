/** Sends one peer's signals strictly in order (a description must reach the peer before its candidates). */
import { RCCallErrorCode, type RtcSignal } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type { RoomSignalingPort } from './room-signaling.js';

export class SignalQueue {
  #tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly signaling: RoomSignalingPort,
    private readonly roomId: string,
    private readonly toUserId: string,
    private readonly logger: RtcLogger,
  ) {}

  send(signal: RtcSignal): Promise<void> {
    this.#tail = this.#tail.then(async () => {
      const { code } = await this.signaling.signal(this.roomId, this.toUserId, signal);
      if (code !== RCCallErrorCode.SUCCESS) this.logger.warn(`signal ${signal.kind} to ${this.toUserId} failed with ${code}`);
    });
    return this.#tail;
  }

  /** Resolves once everything sent so far was answered by the server. */
  drain(): Promise<void> {
    return this.#tail;
  }
}
