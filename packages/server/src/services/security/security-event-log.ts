/**
 * Refused authentication attempts, counted and logged without flooding the log: at most one line per
 * (event, reason) per interval (10 s), carrying how many of the same were suppressed since the last
 * line. Lines hold the reason, the App Key and the peer address, never a token, signature, nonce or
 * secret.
 */
import type { Logger } from 'pino';
import type { SecurityCounters, SecurityEvent, SecurityReason } from './security-counters.js';

/** At most one log line per (event, reason) per this many ms. */
export const SECURITY_LOG_INTERVAL_MS = 10_000;
/** App Keys are logged up to this length (an attacker chooses them). */
const MAX_LOGGED_APP_KEY = 64;

const MESSAGES: Record<SecurityEvent, string> = {
  api_signature_refused: 'server API request refused: bad signature',
  ws_hello_refused: 'WebSocket login refused',
};

/** Context of one refusal; only non-secret fields. */
export interface SecurityEventContext {
  appKey?: string | undefined;
  remoteAddress?: string | undefined;
}

interface Window {
  loggedAt: number;
  suppressed: number;
}

export class SecurityEventLog {
  readonly #windows = new Map<string, Window>();

  /**
   * @param counters where every refusal is counted (logged or not)
   * @param now clock (ms), injectable for tests
   */
  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    readonly counters: SecurityCounters,
    private readonly intervalMs = SECURITY_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the refusal and logs it unless a line for the same reason was written within the interval. */
  record(event: SecurityEvent, reason: SecurityReason, context: SecurityEventContext = {}): void {
    const total = this.counters.increment(event, reason);
    const key = `${event}/${reason}`;
    const at = this.now();
    const window = this.#windows.get(key);
    if (window !== undefined && at - window.loggedAt < this.intervalMs) {
      window.suppressed += 1;
      return;
    }
    const suppressed = window?.suppressed ?? 0;
    this.#windows.set(key, { loggedAt: at, suppressed: 0 });
    const appKey = context.appKey?.slice(0, MAX_LOGGED_APP_KEY);
    this.logger.warn(
      {
        security: event,
        reason,
        total,
        suppressed,
        ...(appKey === undefined ? {} : { appKey }),
        ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
      },
      MESSAGES[event],
    );
  }
}
