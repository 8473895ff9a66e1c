/**
 * Counts of refused authentication attempts, by kind and reason, since the server started: what a
 * later Prometheus `/metrics` exports (`opencall_security_events_total{event,reason}`). In memory,
 * bounded by the fixed sets of kinds and reasons.
 */

/** A refused authentication attempt. */
export type SecurityEvent =
  /** A server-API request whose signing headers were refused. */
  | 'api_signature_refused'
  /** A WebSocket `hello` refused (bad, expired or revoked token, unknown app, banned user). */
  | 'ws_hello_refused';

/** Why a server-API signature was refused (the log and counters say it; the client sees a message). */
export type ApiSignatureRefusal =
  | 'missing_header'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'bad_nonce'
  | 'bad_version'
  | 'v2_required'
  | 'unknown_app_key'
  | 'signature_mismatch'
  | 'nonce_reused'
  | 'nonce_store_full';

/** Why a WebSocket hello was refused. */
export type HelloRefusal = 'token_incorrect' | 'token_expired' | 'unknown_app' | 'app_disabled' | 'user_blocked' | 'other';

export type SecurityReason = ApiSignatureRefusal | HelloRefusal;

/** One counter. */
export interface SecurityCount {
  event: SecurityEvent;
  reason: SecurityReason;
  count: number;
}

export class SecurityCounters {
  readonly #counts = new Map<string, SecurityCount>();

  /** Adds one to the counter of `event` / `reason`; returns its new value. */
  increment(event: SecurityEvent, reason: SecurityReason): number {
    const key = `${event}/${reason}`;
    const entry = this.#counts.get(key) ?? { event, reason, count: 0 };
    entry.count += 1;
    this.#counts.set(key, entry);
    return entry.count;
  }

  /** The value of one counter (0 if never incremented). */
  get(event: SecurityEvent, reason: SecurityReason): number {
    return this.#counts.get(`${event}/${reason}`)?.count ?? 0;
  }

  /** Every counter incremented so far. */
  snapshot(): SecurityCount[] {
    return [...this.#counts.values()].map((entry) => ({ ...entry }));
  }
}
