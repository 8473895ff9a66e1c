/**
 * Issue 12 item 2: the server answers RongCloud's CDN file names (any version, `.prod` / `.min`) with
 * the same bytes as OpenCall's own bundle names, so an app only changes the host of its script tags.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
let server: ServerProcess;

beforeAll(async () => {
  const built = spawnSync(process.execPath, [resolve(ROOT, 'scripts/build-sdk.mjs')], { encoding: 'utf8', timeout: 60_000 });
  expect(built.status, built.stderr).toBe(0);
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.stop();
});

async function get(path: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(server.url + path, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

describe('RongCloud CDN file names under /sdk/', () => {
  it.each([
    ['RongIMLib-5.9.5.prod.js', 'RongIMLib.js'],
    ['RCRTC-5.7.2.prod.js', 'RCRTC.js'],
    ['RCCall-5.2.10.prod.js', 'RCCall.js'],
    ['RongIMLib-4.2.0.js', 'RongIMLib.js'],
    ['RongIMLib-2.5.10.min.js', 'RongIMLib.js'],
    ['RCCall-5.0.1-alpha.12.js', 'RCCall.js'],
    ['RCEngine-5.38.0.prod.js', 'RCEngine.js'],
    ['RCRTC-5.7.2.prod.js.map', 'RCRTC.js.map'],
  ])('/sdk/%s serves %s', async (requested, file) => {
    const reply = await get(`/sdk/${requested}`);
    expect(reply.status).toBe(200);
    expect(reply.type).toContain(file.endsWith('.map') ? 'application/json' : 'application/javascript');
    expect(reply.body.equals(readFileSync(resolve(ROOT, 'dist/sdk', file)))).toBe(true);
  });

  it('a name that is no SDK bundle is a 404 with a clear message', async () => {
    const reply = await get('/sdk/RongIMLib-5.9.5.prod.css');
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body.toString('utf8')).errorMessage).toContain('No SDK bundle is named /sdk/RongIMLib-5.9.5.prod.css');
  });
});
