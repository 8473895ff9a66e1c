/**
 * One POST of a webhook body, with the SSRF guard (target-guard.ts) and a timeout over the whole
 * exchange. The outcome is what the outbox needs: resolves on a 2xx; rejects with a `RetryAfterError`
 * when the receiver named a `Retry-After`, with a `PermanentDeliveryError` when the target is refused,
 * else with a plain error (retried by the schedule). Redirects are not followed (a redirect is a failure).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { PermanentDeliveryError, RetryAfterError } from '../outbox/outbox-handler.js';
import { checkTargetUrl, guardedLookup, TargetRefusedError } from './target-guard.js';

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  now?: () => number;
}

/**
 * Kept-alive connections, pooled per guard policy: a pooled socket was checked by the policy it is
 * reused under (a connection opened while private targets were allowed never serves a guarded request).
 */
const AGENTS = {
  guarded: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
  open: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
};

/** `Retry-After` as ms from now: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function postWebhook(options: PostOptions): Promise<void> {
  let target: URL;
  try {
    target = checkTargetUrl(options.url, options.allowPrivate);
  } catch (error) {
    throw new PermanentDeliveryError((error as Error).message);
  }
  const https = target.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const pool = AGENTS[options.allowPrivate ? 'open' : 'guarded'];
  const { status, retryAfter } = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body), ...options.headers },
        lookup: guardedLookup(options.allowPrivate),
        agent: https ? pool.https : pool.http,
        timeout: options.timeoutMs,
      },
      (res) => {
        // The answer's body is not used: drain it so the socket is released.
        res.resume();
        res.on('end', () => {
          const header = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(header) ? header[0] : header });
        });
        res.on('error', reject);
      },
    );
    const overall = setTimeout(() => req.destroy(new Error(`webhook did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`webhook did not answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(error));
    req.on('close', () => clearTimeout(overall));
    req.end(options.body);
  }).catch((error: unknown) => {
    if (error instanceof TargetRefusedError) throw new PermanentDeliveryError(error.message);
    throw error;
  });
  if (status >= 200 && status < 300) return;
  const message = `webhook answered HTTP ${status}`;
  const delay = retryAfterMs(retryAfter, (options.now ?? Date.now)());
  if (delay !== undefined) throw new RetryAfterError(`${message} (Retry-After ${retryAfter})`, delay);
  throw new Error(message);
}
