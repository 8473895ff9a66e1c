/**
 * RongCloud request signing: headers `App-Key`, `Nonce`, `Timestamp`, `Signature` (or the same
 * with an `RC-` prefix); Signature = hex SHA-1 of `appSecret + nonce + timestamp`. The timestamp
 * may be in seconds or milliseconds and has no freshness window (official SDKs reuse headers).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AppRecord, AppStore } from '../../../ports/index.js';
import { ServerApiFailure } from './server-api-failure.js';

/** Lower-case hex SHA-1 of `appSecret + nonce + timestamp`. */
export function computeSignature(appSecret: string, nonce: string, timestamp: string): string {
  return createHash('sha1')
    .update(appSecret + nonce + timestamp, 'utf8')
    .digest('hex');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()] ?? headers[`rc-${name.toLowerCase()}`];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** The signing headers of a request, either spelling. */
export interface SignatureHeaders {
  appKey: string | undefined;
  nonce: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export function readSignatureHeaders(headers: IncomingHttpHeaders): SignatureHeaders {
  return {
    appKey: header(headers, 'App-Key'),
    nonce: header(headers, 'Nonce'),
    timestamp: header(headers, 'Timestamp'),
    signature: header(headers, 'Signature'),
  };
}

/**
 * Checks the request's signature and returns its app.
 * @throws ServerApiFailure 1001 (unknown App-Key) or 1004 (missing header / bad signature)
 */
export async function authenticate(headers: IncomingHttpHeaders, apps: Pick<AppStore, 'get'>): Promise<AppRecord> {
  const { appKey, nonce, timestamp, signature } = readSignatureHeaders(headers);
  if (appKey === undefined) throw ServerApiFailure.signature('App-Key header missing');
  if (nonce === undefined) throw ServerApiFailure.signature('Nonce header missing');
  if (timestamp === undefined) throw ServerApiFailure.signature('Timestamp header missing');
  if (signature === undefined) throw ServerApiFailure.signature('Signature header missing');
  if (!/^\d{1,16}$/.test(timestamp)) throw ServerApiFailure.signature('Timestamp must be epoch seconds or milliseconds');

  const app = await apps.get(appKey);
  if (!app) throw ServerApiFailure.unknownAppKey();

  const expected = Buffer.from(computeSignature(app.appSecret, nonce, timestamp), 'ascii');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw ServerApiFailure.signature('Signature mismatch');
  return app;
}
