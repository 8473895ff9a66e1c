/** `rtc.signal`s to one remote user of a room, through its own `SignalQueue` (ordered, retried). */
import type { RtcSignal } from '@opencall/protocol';
import type { RtcLogger } from '../logger.js';
import type { RoomSignalingPort } from './room-signaling.js';
import { DEFAULT_SIGNAL_RETRY, SignalQueue, type SignalRetryPolicy } from './signal-queue.js';

export class PeerSignalChannel {
  readonly #queue: SignalQueue;

  constructor(
    private readonly signaling: RoomSignalingPort,
    private readonly roomId: string,
    readonly toUserId: string,
    logger: RtcLogger,
    policy: SignalRetryPolicy = DEFAULT_SIGNAL_RETRY,
  ) {
    this.#queue = new SignalQueue(logger, `signal to ${toUserId}`, policy);
  }

  /** Resolves once the server took the signal, refused it, or the channel closed. */
  async send(signal: RtcSignal): Promise<void> {
    await this.#queue.run(signal.kind, () => this.signaling.signal(this.roomId, this.toUserId, signal));
  }

  close(): void {
    this.#queue.close();
  }

  drain(): Promise<void> {
    return this.#queue.drain();
  }
}
