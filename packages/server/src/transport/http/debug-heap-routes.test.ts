import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { type HeapReply, registerDebugHeapRoutes } from './debug-heap-routes.js';

let app: FastifyInstance;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'opencall-heap-'));
  app = Fastify();
  registerDebugHeapRoutes(app, { snapshotDir: join(dir, 'heap') });
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('debug heap routes', () => {
  it('POST /debug/heap answers the post-GC memory of the process', async () => {
    const reply = await app.inject({ method: 'POST', url: '/debug/heap', remoteAddress: '127.0.0.1' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json<HeapReply>();
    expect(body.heapUsed).toBeGreaterThan(0);
    expect(body.codeUsed).toBeGreaterThan(0);
    expect(body.codeUsed).toBeLessThan(body.heapUsed);
    expect(body.heapTotal).toBeGreaterThanOrEqual(body.heapUsed);
    expect(body.rss).toBeGreaterThan(0);
  });

  it('answers 403 to a caller that is not on loopback, or comes through a proxy', async () => {
    for (const url of ['/debug/heap', '/debug/heap-snapshot']) {
      const remote = await app.inject({ method: 'POST', url, remoteAddress: '10.1.2.3' });
      expect(remote.statusCode).toBe(403);
      expect(remote.json()).toEqual({ code: 403, errorMessage: expect.stringContaining('loopback address') });
      const proxied = await app.inject({ method: 'POST', url, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '10.1.2.3' } });
      expect(proxied.statusCode).toBe(403);
    }
    expect(existsSync(join(dir, 'heap'))).toBe(false);
  });

  it('POST /debug/heap-snapshot writes a snapshot in the folder and answers its path', { timeout: 60_000 }, async () => {
    const reply = await app.inject({ method: 'POST', url: '/debug/heap-snapshot', remoteAddress: '::1' });
    expect(reply.statusCode).toBe(200);
    const { path } = reply.json<{ path: string }>();
    expect(path.startsWith(join(dir, 'heap'))).toBe(true);
    expect(statSync(path).size).toBeGreaterThan(0);
  });
});

describe('OPENCALL_DEBUG_HEAP', () => {
  it('is off by default and never on in production', () => {
    expect(loadConfig({}).debugHeap).toBe(false);
    expect(loadConfig({ OPENCALL_DEBUG_HEAP: '1' }).debugHeap).toBe(true);
    expect(loadConfig({ OPENCALL_DEBUG_HEAP: '1', NODE_ENV: 'production' }).debugHeap).toBe(false);
    expect(loadConfig({ OPENCALL_DEBUG_HEAP: '1', NODE_ENV: 'Production' }).debugHeap).toBe(false);
  });
});
