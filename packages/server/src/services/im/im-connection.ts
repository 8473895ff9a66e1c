/** What the services see of one authenticated device connection (the transport implements it). */
import type { ServerEvent } from '@opencall/protocol';

/** Told, exactly once, what became of one event sent on a device's stream. */
export interface DeliveryReceipt {
  /** The device acked the event (its app has handled it). */
  acked(): void;
  /**
   * The event will never be acked on this stream: the stream ended (closed, replaced by a fresh
   * connect of the device, or not resumed in time) or the event fell out of its kept window.
   */
  lost(): void;
}

export interface ImConnection {
  /** Server-unique id of this connection. */
  readonly id: string;
  readonly appKey: string;
  readonly userId: string;
  readonly deviceId: string;
  /** Issue time of the token the connection authenticated with (ms). */
  readonly tokenIssuedAt: number;
  /**
   * Send an event; it is numbered and kept until the client acks it. The event object must not be
   * changed afterwards (its encoding is shared with the other recipients of the same object).
   * With a `receipt`, exactly one of its calls reports the event's fate on this stream.
   */
  sendEvent(event: ServerEvent, receipt?: DeliveryReceipt): void;
  /** Send `bye {code}` and close. */
  close(code: number, message: string): void;
}
