/**
 * One e2e test file's world: a real server process (PORT=0), one Chromium, one context per user, and
 * a watchdog that tears it all down if the file overruns its budget.
 *
 *   const env = await startE2eEnv({ label: 'call-1to1', budgetMs: 240_000 });
 *   const alice = await env.openSdkUser('alice');   // page at the server's origin, SDK connected
 *   ...
 *   await env.close();                               // in afterAll; throws if the watchdog fired
 */
import type { Browser } from 'playwright-core';
import { type ServerProcess, startServerProcess } from '../../helpers/server-process.js';
import { CHROMIUM_PROCESS, launchChromium, openUserPage, type UserPage, within } from './chromium.js';
import { SdkUser } from './sdk-user.js';
import { killChildProcesses, startWatchdog, type Watchdog } from './watchdog.js';

export type { ServerProcess };

export interface E2eEnvOptions {
  /** Name used in watchdog and failure messages. */
  label: string;
  /** Wall-clock budget of the whole file, setup and teardown included. */
  budgetMs: number;
  /** Extra server environment, e.g. `{ OPENCALL_RING_TIMEOUT_MS: '3000' }`. */
  serverEnv?: Record<string, string>;
  /** Whether WebRTC may use loopback (default true); see `launchChromium`. */
  loopbackIce?: boolean;
}

export interface E2eEnv {
  server: ServerProcess;
  browser: Browser;
  watchdog: Watchdog;
  /** A new context + page at `server.url + path` (default the demo page, which loads the SDK). */
  openPage(label: string, path?: string): Promise<UserPage>;
  /** A new user page whose SDK is initialised and connected as `userId` (token from the server API). */
  openSdkUser(userId: string, rtcOptions?: Record<string, unknown>): Promise<SdkUser>;
  /** Disarms the watchdog and tears everything down (bounded); throws if the watchdog had fired. */
  close(): Promise<void>;
}

export async function startE2eEnv(options: E2eEnvOptions): Promise<E2eEnv> {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const pages: UserPage[] = [];

  const teardown = async () => {
    await within(Promise.allSettled(pages.map((p) => p.context.close())), 5_000);
    if (browser)
      await within(
        browser.close().catch(() => undefined),
        5_000,
      );
    killChildProcesses(CHROMIUM_PROCESS);
    if (server)
      await within(
        server.stop().catch(() => undefined),
        10_000,
      );
  };
  const watchdog = startWatchdog(options.label, options.budgetMs, teardown);

  try {
    server = await startServerProcess(options.serverEnv ? { env: options.serverEnv } : {});
    browser = await launchChromium(options.loopbackIce === undefined ? {} : { loopbackIce: options.loopbackIce });
  } catch (error) {
    watchdog.disarm();
    await teardown();
    throw error;
  }
  const started = { server, browser };

  const openPage = async (label: string, path = '/') => {
    const userPage = await openUserPage(started.browser, new URL(path, started.server.url).href, label);
    pages.push(userPage);
    return userPage;
  };

  return {
    ...started,
    watchdog,
    openPage,
    async openSdkUser(userId: string, rtcOptions?: Record<string, unknown>) {
      const { page, consoleLines } = await openPage(userId);
      const user = new SdkUser(userId, page, consoleLines);
      await user.connect(started.server, await started.server.getToken(userId), undefined, rtcOptions);
      return user;
    },
    async close() {
      watchdog.disarm();
      await teardown();
      watchdog.assertNotExpired();
    },
  };
}
