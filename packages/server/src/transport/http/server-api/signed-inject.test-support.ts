/** Test support: a server-API POST signed for `app`, through Fastify's `inject` (no socket). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppRecord } from '../../../ports/index.js';
import { computeSignature } from './verify-signature.js';

/** Signed like an official SDK: a fresh nonce and the current time (seconds) for every request. */
export function signedInject(app: FastifyInstance, appRecord: Pick<AppRecord, 'appKey' | 'appSecret'>, url: string, payload: string) {
  const nonce = randomBytes(8).toString('hex');
  const timestamp = String(Math.floor(Date.now() / 1000));
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'App-Key': appRecord.appKey,
      Nonce: nonce,
      Timestamp: timestamp,
      Signature: computeSignature(appRecord.appSecret, nonce, timestamp),
    },
  });
}
