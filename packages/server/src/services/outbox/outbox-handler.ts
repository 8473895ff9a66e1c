/** How a topic's rows are delivered (push notices, call webhooks, RTC room status sync). */
import type { OutboxRow } from '../../ports/index.js';

/** Delivers one row: resolves once the receiver took it, rejects to have it retried. */
export type OutboxHandler = (row: OutboxRow) => Promise<void>;

/** A failure that no retry can fix (a payload that does not parse, a topic nobody delivers): the row is given up at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** A failure the receiver asked to retry no sooner than `retryAfterMs` from now (its `Retry-After`). */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}
