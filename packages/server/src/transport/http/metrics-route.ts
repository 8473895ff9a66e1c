/**
 * `GET /metrics` in the Prometheus text format. With a token (OPENCALL_METRICS_TOKEN) the scraper
 * must send `Authorization: Bearer <token>`; anything else is a 401 (compared in constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Whether `header` is `Bearer <token>` (scheme case-insensitive). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/** A start-up warning when `/metrics` is open on a non-loopback bind address; undefined otherwise. */
export function openMetricsWarning(host: string, token: string | undefined): string | undefined {
  if (token !== undefined || host === 'localhost' || host === '::1' || host.startsWith('127.')) return undefined;
  return `GET /metrics is open to anyone who reaches ${host}: set OPENCALL_METRICS_TOKEN`;
}

export function registerMetricsRoute(http: FastifyInstance, options: { registry: Registry; token: string | undefined }): void {
  const { registry, token } = options;
  http.get('/metrics', async (request, reply) => {
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('unauthorized\n');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
