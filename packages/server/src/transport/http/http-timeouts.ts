/**
 * Timeouts of the Node HTTP server under Fastify (README "Connection limits"): a fresh connection must
 * send its headers within `httpHeadersTimeoutMs` (else 408 and close — this also ends idle connects and
 * half-written requests), the whole request within `httpRequestTimeoutMs`, and a keep-alive connection
 * is closed after `httpKeepAliveTimeoutMs` idle. Upgraded WebSockets are not affected (their own
 * hello and heartbeat deadlines apply).
 */
import type { ServerOptions } from 'node:http';
import type { ServerConfig } from '../../config.js';

/** How often Node checks the header and request deadlines: a fraction of the headers timeout, at most 1 s. */
export function connectionsCheckingIntervalMs(headersTimeoutMs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(headersTimeoutMs / 4)));
}

/** Fastify server options carrying the timeouts of `config`. */
export function httpTimeoutOptions(
  config: Pick<ServerConfig, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'>,
): { requestTimeout: number; keepAliveTimeout: number; http: ServerOptions } {
  return {
    requestTimeout: config.httpRequestTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    http: {
      headersTimeout: config.httpHeadersTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(config.httpHeadersTimeoutMs),
    },
  };
}
