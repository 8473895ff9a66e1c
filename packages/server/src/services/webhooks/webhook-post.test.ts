import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, RetryAfterError } from '../outbox/outbox-handler.js';
import { postWebhook } from './webhook-post.js';

/** A loopback receiver answering by path: /ok 200, /busy 503 + Retry-After 2, /fail 500, /moved 302, /hang never. */
let server: Server;
let port = 0;
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      if (req.url === '/hang') return;
      if (req.url === '/busy') res.setHeader('retry-after', '2');
      if (req.url === '/moved') res.setHeader('location', 'http://127.0.0.1:1/');
      res.statusCode = { '/ok': 200, '/busy': 503, '/fail': 500, '/moved': 302 }[req.url ?? ''] ?? 404;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const post = (path: string, allowPrivate = true, host = '127.0.0.1', timeoutMs = 2000) =>
  postWebhook({ url: `http://${host}:${port}${path}`, headers: { 'webhook-id': 'msg_1' }, body: '{"a":1}', timeoutMs, allowPrivate });

describe('webhook POST', () => {
  it('a 2xx resolves; the body is sent as is', async () => {
    await expect(post('/ok')).resolves.toBeUndefined();
    expect(bodies.at(-1)).toBe('{"a":1}');
  });

  it('a name is resolved through the guard and reached when allowed', async () => {
    await expect(post('/ok', true, 'localhost')).resolves.toBeUndefined();
  });

  it('503 with Retry-After → RetryAfterError; 500 and redirects → a plain (retried) error', async () => {
    const busy = await post('/busy').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(RetryAfterError);
    expect((busy as RetryAfterError).retryAfterMs).toBe(2000);
    await expect(post('/fail')).rejects.toThrow('webhook answered HTTP 500');
    await expect(post('/moved')).rejects.toThrow('webhook answered HTTP 302');
  });

  it('a receiver that never answers fails within the timeout', async () => {
    const started = Date.now();
    await expect(post('/hang', true, '127.0.0.1', 300)).rejects.toThrow('did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('loopback refused without allowPrivate, as a literal and as a name (permanent: no retry)', async () => {
    const count = bodies.length;
    await expect(post('/ok', false)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(post('/ok', false, 'localhost')).rejects.toThrow(/resolves to a private or loopback address/);
    await expect(post('/ok', false, 'localhost')).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(bodies.length).toBe(count);
  });
});
