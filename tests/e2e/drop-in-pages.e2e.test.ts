/**
 * Issue 12: apps load CallLib every way RongCloud's did, and change nothing but the SDK source.
 * - A page bundled with esbuild from the npm tarballs installed under the `@rongcloud/*` names (seed
 *   import forms) calls a script-tag page: both decode video.
 * - An IMLib 4.x style page (`init` → `IMClient.install`) and an IMLib 2.x style page (bare
 *   `RongIMClient`), loading RongCloud's versioned CDN file names from /sdk/, call each other; the
 *   4.x page reads `RCEngine` enums before `init`.
 * The fixture pages are served at the server's origin through Playwright routes (the server itself
 * serves only /sdk/ and the WebSocket). Each call is bounded well under 60 s.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, packAndInstall } from '../helpers/npm-app.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { waitForDecodedFrames } from './harness/frames.js';

const SUCCESS = 10_000;
const LEGACY_PAGES = resolve(import.meta.dirname, '../fixtures/legacy-pages');

interface LogEntry {
  name: string;
  [field: string]: unknown;
}
type AppVar = 'npmApp' | 'legacyApp';

/** Console lines of each fixture page, for failure messages. */
const consoleOf = new WeakMap<Page, string[]>();
const consoleTail = (page: Page): string => (consoleOf.get(page) ?? []).slice(-20).join('\n');

/**
 * Opens the fixture page `path` (a key of `files`: URL path → absolute file) at the server's origin.
 * The document is written into a page the server really served (`/healthz`): Chromium's local
 * network access checks block loopback WebSockets from documents that a route fulfilled. Its
 * `<script src>` (relative to `path`) are served from `files` by a route.
 */
async function openFixturePage(env: E2eEnv, label: string, path: string, files: Record<string, string>): Promise<Page> {
  const { page, consoleLines } = await env.openPage(label, '/healthz');
  consoleOf.set(page, consoleLines);
  await page.route(`${env.server.url}/fixtures/**`, async (route) => {
    const file = files[new URL(route.request().url()).pathname];
    if (file === undefined) return route.fulfill({ status: 404, body: 'no such fixture' });
    return route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: readFileSync(file) });
  });
  const document = files[path];
  if (document === undefined) throw new Error(`no fixture for ${path}`);
  const base = path.slice(0, path.lastIndexOf('/') + 1);
  const html = readFileSync(document, 'utf8').replace('<head>', `<head><base href="${base}" />`);
  await page.setContent(html, { waitUntil: 'load', timeout: 15_000 });
  return page;
}

/** Waits (bounded) for the app's log entry `name` (with `fields`), and returns it. */
async function waitForLog(
  page: Page,
  app: AppVar,
  name: string,
  fields: Record<string, unknown> = {},
  timeoutMs = 15_000,
): Promise<LogEntry> {
  const find = ([v, n, f]: readonly [AppVar, string, Record<string, unknown>]) =>
    ((window as unknown as Record<AppVar, { log: LogEntry[] } | undefined>)[v]?.log ?? []).find(
      (e) => e.name === n && Object.entries(f).every(([k, value]) => e[k] === value),
    ) ?? null;
  try {
    await page.waitForFunction(find, [app, name, fields] as const, { timeout: timeoutMs, polling: 100 });
  } catch (error) {
    const log = await page.evaluate((v) => (window as unknown as Record<AppVar, { log: LogEntry[] } | undefined>)[v]?.log ?? [], app);
    throw new Error(
      `no ${name} ${JSON.stringify(fields)} in ${app} within ${timeoutMs} ms; log: ${JSON.stringify(log)}\n${consoleTail(page)}`,
      {
        cause: error,
      },
    );
  }
  const entry = await page.evaluate(find, [app, name, fields] as const);
  if (entry === null) throw new Error(`${name} vanished from the ${app} log`);
  return entry;
}

describe('drop-in pages: npm bundle, IMLib 4.x and 2.x pages, RongCloud CDN names', () => {
  let env: E2eEnv;
  let npmBase: string;
  let npmAppDir: string;

  beforeAll(async () => {
    // The server and Chromium start first: packing loads the CPU, and their startups are bounded.
    env = await startE2eEnv({ label: 'drop-in-pages', budgetMs: 240_000 });
    npmBase = mkdtempSync(join(tmpdir(), 'opencall-npm-e2e-'));
    const app = packAndInstall(npmBase);
    await bundlePage(app);
    npmAppDir = app.dir;
  }, 240_000);

  afterAll(async () => {
    await env?.close();
    if (npmBase) rmSync(npmBase, { recursive: true, force: true });
  });

  it('a page bundled from the npm packages (as @rongcloud/*) and a script-tag page: 1:1 video call, both decode', async () => {
    const page = await openFixturePage(env, 'npm-a', '/fixtures/npm-app/index.html', {
      '/fixtures/npm-app/index.html': join(npmAppDir, 'index.html'),
      '/fixtures/npm-app/page.js': join(npmAppDir, 'page.js'),
    });
    expect(await page.evaluate(() => window.npmApp.engineEnums())).toEqual({ logLevelWarn: 2, statistics: 6, kicked: 6, success: 0 });
    const tagUser = await env.openSdkUser('tag-b');
    const token = await env.server.getToken('npm-a');
    const connectCode = await page.evaluate(([k, t, n]) => window.npmApp.start(k, t, [n]), [
      env.server.appKey,
      token,
      env.server.url,
    ] as const);
    expect(connectCode, consoleTail(page)).toBe(0);

    expect(await page.evaluate(() => window.npmApp.call('tag-b'))).toBe(SUCCESS);
    const incoming = await tagUser.waitFor({ name: 'onSession' });
    expect(incoming.caller).toBe('npm-a');
    await tagUser.accept(incoming.callId as string);
    await waitForLog(page, 'npmApp', 'onAccept', { sender: 'tag-b' });
    await Promise.all([waitForDecodedFrames(page, 'video[data-npm-video="remote-tag-b"]', 10), tagUser.waitForRemoteFrames('npm-a', 10)]);

    expect(await page.evaluate(() => window.npmApp.hangup())).toBe(SUCCESS);
    await waitForLog(page, 'npmApp', 'onSessionClose');
    await tagUser.waitFor({ name: 'onSessionClose' });
    await Promise.all([page.context().close(), tagUser.page.context().close()]);
  }, 60_000);

  it('IMLib 4.x and 2.x style pages on RongCloud CDN file names call each other; RCEngine enums read before init', async () => {
    const files = Object.fromEntries(
      ['imlib4.html', 'imlib2.html', 'call-ui.js'].map((f) => [`/fixtures/legacy/${f}`, join(LEGACY_PAGES, f)]),
    );
    const v4 = await openFixturePage(env, 'v4-a', '/fixtures/legacy/imlib4.html', files);
    const v2 = await openFixturePage(env, 'v2-b', '/fixtures/legacy/imlib2.html', files);

    expect(await v4.evaluate(() => (window as unknown as { enumsBeforeInit: unknown }).enumsBeforeInit)).toEqual({
      logLevelLog: 0,
      statistics: 6,
      kicked: 6,
      tokenIncorrect: 31004,
      emitter: 'function',
      legacyStatus: 3,
    });
    expect(
      await v2.evaluate(() => ({
        engine: typeof (window as unknown as { RCEngine?: unknown }).RCEngine,
        bare: typeof (window as unknown as { RongIMClient: { init: unknown } }).RongIMClient.init,
      })),
    ).toEqual({
      engine: 'object',
      bare: 'function',
    });

    const start = (page: Page, userId: string) =>
      env.server
        .getToken(userId)
        .then((token) =>
          page
            .evaluate(
              ([k, t]) =>
                (window as unknown as { startApp(a: string, b: string): Promise<string> })
                  .startApp(k, t)
                  .catch((e: unknown) => JSON.stringify(e)),
              [env.server.appKey, token] as const,
            )
            .catch((error: unknown) => `${String(error)}\n${consoleTail(page)}`),
        );
    expect(await start(v4, 'v4-a')).toBe('v4-a');
    expect(await start(v2, 'v2-b')).toBe('v2-b');

    expect(await v4.evaluate(() => window.legacyApp.call('v2-b'))).toBe(SUCCESS);
    expect((await waitForLog(v2, 'legacyApp', 'onSession')).caller).toBe('v4-a');
    await waitForLog(v4, 'legacyApp', 'onRinging', { sender: 'v2-b' });
    expect(await v2.evaluate(() => window.legacyApp.accept())).toBe(SUCCESS);
    await waitForLog(v4, 'legacyApp', 'onAccept', { sender: 'v2-b' });
    await Promise.all([
      waitForDecodedFrames(v4, 'video[data-legacy-video="remote-v2-b"]', 10),
      waitForDecodedFrames(v2, 'video[data-legacy-video="remote-v4-a"]', 10),
    ]);

    expect(await v2.evaluate(() => window.legacyApp.hangup())).toBe(SUCCESS);
    await waitForLog(v4, 'legacyApp', 'onSessionClose');
    await waitForLog(v2, 'legacyApp', 'onSessionClose');
    await Promise.all([v4.context().close(), v2.context().close()]);
  }, 60_000);
});

declare global {
  interface Window {
    npmApp: {
      engineEnums(): Record<string, number>;
      start(appKey: string, token: string, navigators: string[]): Promise<number>;
      call(targetId: string): Promise<number>;
      hangup(): Promise<number>;
    };
    legacyApp: { call(targetId: string): Promise<number>; accept(): Promise<number>; hangup(): Promise<number> };
  }
}
