/**
 * Delivers the outbox, at least once: claims due rows for this node (a lease, so a node that dies
 * mid-delivery leaves them to any other node once it lapses), hands each to its topic's handler,
 * deletes it when delivered, retries it with backoff when not, and gives it up (a dead letter) after
 * `maxAttempts`. Polls every `pollMs` and is nudged right after a commit that added rows, so a new
 * row leaves within milliseconds. Rows of one order key go out one at a time, in order (the claim
 * only offers the first of each key).
 *
 * Teardown: `stop()` claims nothing more and waits (bounded) for deliveries in flight to finish and
 * record their outcome; a delivery still running after that stays claimed and goes out again once
 * its lease lapses.
 */
import type { Logger } from 'pino';
import type { OutboxRow, OutboxStore } from '../../ports/index.js';
import { type OutboxHandler, PermanentDeliveryError, RetryAfterError } from './outbox-handler.js';
import { RETRY_DELAYS_MS, retryDelayMs, withJitter } from './retry-schedule.js';

export interface OutboxWorkerOptions {
  store: OutboxStore;
  /** This process's id in the claims (unique per process). */
  nodeId: string;
  /** One handler per topic; only these topics are claimed. */
  handlers: Readonly<Record<string, OutboxHandler>>;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Attempts before a row is given up (a claim whose node died counts as one). */
  maxAttempts: number;
  /** How long a claim holds a row; keep it above the longest delivery. */
  leaseMs: number;
  /** A delivery still running after this counts as failed (default 80 % of the lease). */
  deliveryTimeoutMs?: number;
  /** Default 250. */
  pollMs?: number;
  /** Deliveries running at once on this node (default 32). */
  maxInFlight?: number;
  retryDelaysMs?: readonly number[];
  /** Each retry delay is spread by ± this share of itself (0–1, default 0: exact), so receivers coming back are not hit all at once. */
  retryJitter?: number;
  /** A row not delivered this long after it was written is given up instead of retried (default: no horizon, `maxAttempts` only). */
  giveUpAfterMs?: number;
  /** Default Math.random (tests script it). */
  random?: () => number;
  /** Dead letters are deleted this long after they were given up (default 7 days). */
  deadLetterRetentionMs?: number;
  /** Default 1 hour. */
  pruneEveryMs?: number;
  now?: () => number;
}

/** What this worker did since it started. */
export interface OutboxStats {
  delivered: number;
  retried: number;
  gaveUp: number;
}

const DAY_MS = 24 * 3600_000;

/** The error's message with its causes' (codes where they have one), e.g. `push webhook unreachable: fetch failed: ECONNREFUSED`. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined; depth += 1) {
    if (!(current instanceof Error)) {
      parts.push(String(current));
      break;
    }
    parts.push((current as NodeJS.ErrnoException).code ?? current.message);
    current = current.cause;
  }
  return parts.join(': ');
}

export class OutboxWorker {
  readonly stats: OutboxStats = { delivered: 0, retried: 0, gaveUp: 0 };
  private readonly topics: string[];
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  /** The claim loop running now. */
  private sweeping: Promise<void> | undefined;
  /** A nudge came while the claim loop ran: run it again when it ends. */
  private again = false;
  private nudgeScheduled = false;
  private pruning: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** No new claims (not started, or stopping). */
  private stopped = true;
  /** Past the shutdown grace: outcomes are no longer written (storage is closing). */
  private abandoned = false;
  /** The last claim failed (logged once per streak). */
  private claimFailing = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.topics = Object.keys(options.handlers);
    this.now = options.now ?? Date.now;
  }

  /** Deliveries running now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (!this.stopped || this.abandoned) return;
    this.stopped = false;
    this.pollTimer = setInterval(() => this.nudge(), this.options.pollMs ?? 250);
    this.pollTimer.unref?.();
    this.pruneTimer = setInterval(() => this.prune(), this.options.pruneEveryMs ?? 3600_000);
    this.pruneTimer.unref?.();
    this.prune();
    this.nudge();
  }

  /** Look for due rows now (after a commit that added some, or a delivery that ended). */
  nudge(): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.again = true;
      return;
    }
    if (this.nudgeScheduled) return;
    this.nudgeScheduled = true;
    setImmediate(() => {
      this.nudgeScheduled = false;
      this.sweep();
    });
  }

  /**
   * Claim nothing more; wait up to `graceMs` for the deliveries in flight to finish and record their
   * outcome. Those still running stay claimed and go out again after their lease.
   */
  async stop(graceMs = 2000): Promise<void> {
    if (this.abandoned) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.pruneTimer);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    const settled = async () => {
      // A claim loop running now may add deliveries: wait for it first.
      await Promise.allSettled([this.sweeping, this.pruning]);
      await Promise.allSettled([...this.inFlight]);
    };
    await Promise.race([settled(), grace]);
    clearTimeout(timer);
    this.abandoned = true;
    if (this.inFlight.size > 0) {
      this.options.logger.info(
        { count: this.inFlight.size },
        'outbox: deliveries still running at shutdown stay claimed; they go out again once their lease lapses',
      );
    }
  }

  private sweep(): void {
    if (this.stopped || this.sweeping) return;
    this.sweeping = this.claimLoop().finally(() => {
      this.sweeping = undefined;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  private async claimLoop(): Promise<void> {
    const maxInFlight = this.options.maxInFlight ?? 32;
    // Bounded: a full claim means more may be due, but a poll comes soon anyway.
    for (let round = 0; round < 10 && !this.stopped; round += 1) {
      this.again = false;
      const room = maxInFlight - this.inFlight.size;
      if (room <= 0) return; // a delivery that ends nudges
      let rows: OutboxRow[];
      try {
        rows = await this.options.store.claimDue(this.options.nodeId, this.now(), room, this.options.leaseMs, this.topics);
      } catch (error) {
        if (!this.claimFailing) this.options.logger.error({ err: error }, 'outbox: claiming due rows failed (retried every poll)');
        this.claimFailing = true;
        return;
      }
      if (this.claimFailing) this.options.logger.info('outbox: claiming works again');
      this.claimFailing = false;
      // Stopping: what was just claimed goes out after its lease, from whichever node.
      if (this.stopped) return;
      for (const row of rows) this.track(row);
      if (rows.length < room) return;
    }
  }

  private track(row: OutboxRow): void {
    const delivery: Promise<void> = this.deliver(row).finally(() => {
      this.inFlight.delete(delivery);
      this.nudge();
    });
    this.inFlight.add(delivery);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const failure = await this.attempt(row);
    if (this.abandoned) return;
    const { store, nodeId, logger } = this.options;
    const log = { id: row.id, topic: row.topic, attempts: row.attempts };
    try {
      if (failure === undefined) {
        await store.complete(row.id);
        this.stats.delivered += 1;
        logger.debug(log, 'outbox: delivered');
        return;
      }
      const error = errorText(failure);
      const delayMs = this.retryDelay(row, failure);
      const horizon = this.options.giveUpAfterMs;
      const pastHorizon = horizon !== undefined && this.now() + delayMs > row.createdAt + horizon;
      if (failure instanceof PermanentDeliveryError || row.attempts >= this.options.maxAttempts || pastHorizon) {
        if (await store.giveUp(row.id, nodeId, error, this.now())) {
          this.stats.gaveUp += 1;
          logger.error({ ...log, error }, 'outbox: delivery given up (kept as a dead letter)');
        }
        return;
      }
      if (await store.retryLater(row.id, nodeId, this.now() + delayMs, error)) {
        this.stats.retried += 1;
        logger.warn({ ...log, error, retryInMs: delayMs }, 'outbox: delivery failed; will retry');
      }
    } catch (error) {
      logger.error({ ...log, err: error }, 'outbox: storing a delivery outcome failed (the row goes out again after its lease)');
    }
  }

  /** The wait before the next attempt: the receiver's `Retry-After` when it gave one, else the schedule's, spread by the jitter. */
  private retryDelay(row: OutboxRow, failure: unknown): number {
    if (failure instanceof RetryAfterError) return Math.max(0, failure.retryAfterMs);
    const scheduled = retryDelayMs(row.attempts, this.options.retryDelaysMs ?? RETRY_DELAYS_MS);
    return withJitter(scheduled, this.options.retryJitter ?? 0, this.options.random ?? Math.random);
  }

  /** Runs the row's handler within the delivery timeout; resolves with the failure, undefined when delivered. */
  private async attempt(row: OutboxRow): Promise<unknown> {
    const handler = this.options.handlers[row.topic];
    if (!handler) return new PermanentDeliveryError(`no handler for topic ${row.topic}`);
    const timeoutMs = this.options.deliveryTimeoutMs ?? Math.floor(this.options.leaseMs * 0.8);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Error>((resolve) => {
      timer = setTimeout(() => resolve(new Error(`delivery took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // Settles with the failure, never rejects: a handler that fails after its timeout is ignored.
      const outcome = handler(row).then(
        () => undefined,
        (error: unknown) => error ?? new Error('delivery failed'),
      );
      return await Promise.race([outcome, timedOut]);
    } catch (error) {
      return error ?? new Error('delivery failed');
    } finally {
      clearTimeout(timer);
    }
  }

  private prune(): void {
    if (this.pruning) return;
    const before = this.now() - (this.options.deadLetterRetentionMs ?? 7 * DAY_MS);
    this.pruning = this.options.store
      .prune(before)
      .then(
        (count) => {
          if (count > 0) this.options.logger.info({ count }, 'outbox: dropped expired dead letters');
        },
        (error: unknown) => this.options.logger.error({ err: error }, 'outbox: dropping expired dead letters failed'),
      )
      .finally(() => {
        this.pruning = undefined;
      });
  }
}
