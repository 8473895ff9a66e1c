/**
 * Requests that must get through a signaling pause (the IM link dropped, the server restarted, or the
 * device is moving to another server): sent again, bounded, while the answer says the link is down.
 * Only for requests the server treats as idempotent (answering a call twice from the same device,
 * hanging up twice, joining again), since a request may have been applied before its answer was lost.
 */
import { ErrorCode } from './codes/im-error-code.js';

/** IM codes that mean "the link is down right now", worth another try. */
export const TRANSIENT_REQUEST_CODES: ReadonlySet<number> = new Set<number>([
  ErrorCode.RC_NET_CHANNEL_INVALID,
  ErrorCode.RC_NET_UNAVAILABLE,
  ErrorCode.TIMEOUT,
  ErrorCode.RC_PING_TIMEOUT,
]);

export interface RetryOptions {
  /** Tries in all (default 30). */
  attempts?: number;
  /** Pause between tries (ms, default 500): with the defaults a request waits ≈15 s for the link. */
  delayMs?: number;
  /** Stop early (e.g. the session ended meanwhile). */
  cancelled?: () => boolean;
}

/**
 * Sends a request with `send` (one try, never rejects), again while the link is down (bounded);
 * resolves with the last answer, typed as `send` types it.
 */
export async function requestThroughPause<Result extends { code: number }>(
  send: () => Promise<Result>,
  options: RetryOptions = {},
): Promise<Result> {
  const attempts = options.attempts ?? 30;
  const delayMs = options.delayMs ?? 500;
  let result = await send();
  for (let attempt = 1; attempt < attempts && TRANSIENT_REQUEST_CODES.has(result.code) && !options.cancelled?.(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    result = await send();
  }
  return result;
}
