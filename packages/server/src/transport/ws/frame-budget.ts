/**
 * What one WebSocket may send, and how much the server answers when it sends more (README
 * "Slow readers and floods"):
 * - every frame takes a token from the frame bucket (`framesPerSecond`, burst twice that) — pings too;
 * - over it, a limited frame is rejected (error 36006); acks and hang-ups are never rejected (a lost
 *   hang-up leaves a call up, a refused ack makes the server send its events again) but count as excess;
 * - a rejected frame (over the limit, malformed, too large) gets an `error` reply while the error
 *   budget lasts (`errorRepliesPerSecond`, burst twice that); past it it is dropped without a reply
 *   and counts as excess;
 * - excess drains a flood allowance (refilled at `framesPerSecond`, holding FLOOD_ALLOWANCE_SECONDS
 *   of it); once it is empty the connection is flooding and is closed.
 */
import { RateLimiter } from './rate-limiter.js';

/** Seconds' worth of the frame rate a connection may send in excess before it is closed as flooding. */
export const FLOOD_ALLOWANCE_SECONDS = 10;

export interface FrameBudgetLimits {
  /** Sustained frames per second (burst twice that). */
  framesPerSecond: number;
  /** Sustained error replies per second to rejected frames (burst twice that). */
  errorRepliesPerSecond: number;
}

/** `limited`: rejected over the limit; `never_refused`: acks and hang-ups. */
export type FrameKind = 'limited' | 'never_refused';
/** For a decoded frame: handle it, reject it (then ask `rejected()`), or close the connection. */
export type Admission = 'handle' | 'reject' | 'close';
/** For a rejected frame: answer it with an error, drop it silently, or close the connection. */
export type RejectionAnswer = 'reply' | 'drop' | 'close';

export class FrameBudget {
  private readonly frames: RateLimiter;
  private readonly errorReplies: RateLimiter;
  private readonly floodAllowance: RateLimiter;

  constructor(limits: FrameBudgetLimits, now: () => number = Date.now) {
    this.frames = new RateLimiter(limits.framesPerSecond, limits.framesPerSecond * 2, now);
    this.errorReplies = new RateLimiter(limits.errorRepliesPerSecond, limits.errorRepliesPerSecond * 2, now);
    this.floodAllowance = new RateLimiter(limits.framesPerSecond, limits.framesPerSecond * FLOOD_ALLOWANCE_SECONDS, now);
  }

  /** A decoded frame arrives. */
  admit(kind: FrameKind): Admission {
    if (this.frames.take()) return 'handle';
    if (kind === 'limited') return 'reject';
    return this.floodAllowance.take() ? 'handle' : 'close';
  }

  /** A frame was rejected: over the limit, malformed or too large. */
  rejected(): RejectionAnswer {
    if (this.errorReplies.take()) return 'reply';
    return this.floodAllowance.take() ? 'drop' : 'close';
  }
}
