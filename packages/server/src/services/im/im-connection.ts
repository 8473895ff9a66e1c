/** What the services see of one authenticated device connection (the transport implements it). */
import type { ServerEvent } from '@opencall/protocol';

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
   */
  sendEvent(event: ServerEvent): void;
  /** Send `bye {code}` and close. */
  close(code: number, message: string): void;
}
