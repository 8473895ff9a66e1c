/**
 * Server-API request signing: the headers and the two signatures (pure functions).
 *
 * - Version 1 (RongCloud): headers `App-Key`, `Nonce`, `Timestamp`, `Signature` (or the same with
 *   an `RC-` prefix); Signature = hex SHA-1 of `appSecret + nonce + timestamp`. The timestamp may be
 *   in seconds or milliseconds.
 * - Version 2 (OpenCall, opt-in with `X-OpenCall-Signature-Version: 2` or `RC-Signature-Version: 2`):
 *   Signature = hex HMAC-SHA256(appSecret, `nonce \n timestamp \n METHOD \n path?query \n
 *   hex(SHA-256(raw body))`), so it also covers the endpoint and the body.
 *
 * Freshness (timestamp window, single-use nonce) is checked by `RequestAuthenticator`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Lower-case hex SHA-1 of `appSecret + nonce + timestamp` (RongCloud, version 1). */
export function computeSignature(appSecret: string, nonce: string, timestamp: string): string {
  return createHash('sha1')
    .update(appSecret + nonce + timestamp, 'utf8')
    .digest('hex');
}

/** The string a version-2 signature covers. `pathAndQuery` is the request target exactly as sent. */
export function canonicalRequestV2(
  nonce: string,
  timestamp: string,
  method: string,
  pathAndQuery: string,
  body: Uint8Array | string,
): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `${nonce}\n${timestamp}\n${method.toUpperCase()}\n${pathAndQuery}\n${bodyHash}`;
}

/** Lower-case hex HMAC-SHA256 of the canonical request (OpenCall, version 2). */
export function computeSignatureV2(
  appSecret: string,
  nonce: string,
  timestamp: string,
  method: string,
  pathAndQuery: string,
  body: Uint8Array | string,
): string {
  return createHmac('sha256', appSecret)
    .update(canonicalRequestV2(nonce, timestamp, method, pathAndQuery, body), 'utf8')
    .digest('hex');
}

/** Whether `given` (hex, any case) equals `expected` (lower-case hex), in time independent of where they differ. */
export function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'ascii');
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(headers: IncomingHttpHeaders, name: string, prefixed = `rc-${name}`): string | undefined {
  const value = headers[name] ?? headers[prefixed];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** The signing headers of a request, either spelling. */
export interface SignatureHeaders {
  appKey: string | undefined;
  nonce: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The signature version header, when sent. */
  version: string | undefined;
}

export function readSignatureHeaders(headers: IncomingHttpHeaders): SignatureHeaders {
  return {
    appKey: header(headers, 'app-key'),
    nonce: header(headers, 'nonce'),
    timestamp: header(headers, 'timestamp'),
    signature: header(headers, 'signature'),
    version: header(headers, 'x-opencall-signature-version', 'rc-signature-version'),
  };
}

/** Epoch values below this are seconds (10^11 s is year 5138; 10^11 ms is 1973). */
const SECONDS_LIMIT = 100_000_000_000;

/** A `Timestamp` header (decimal seconds or milliseconds) in milliseconds; undefined if malformed. */
export function timestampToMs(timestamp: string): number | undefined {
  if (!/^\d{1,16}$/.test(timestamp)) return undefined;
  const value = Number(timestamp);
  return value < SECONDS_LIMIT ? value * 1000 : value;
}
