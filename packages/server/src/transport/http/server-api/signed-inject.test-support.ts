/** Test support: a server-API POST signed for `app`, through Fastify's `inject` (no socket). */
import type { FastifyInstance } from 'fastify';
import type { AppRecord } from '../../../ports/index.js';
import { computeSignature } from './verify-signature.js';

export function signedInject(app: FastifyInstance, appRecord: Pick<AppRecord, 'appKey' | 'appSecret'>, url: string, payload: string) {
  const nonce = '42';
  const timestamp = '1700000000';
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
