/** Launches Debian's Chromium through playwright-core with fake media devices and the flags below. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Matches the command line of a Chromium process (for the teardown's last resort). */
export const CHROMIUM_PROCESS = /\/chromium$/;

/** `promise`, or undefined once `ms` have passed (a bounded teardown step). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exactly the flags known to work on these machines (fake camera 640×480 + tone, loopback ICE). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
] as const;

const agentPath = fileURLToPath(new URL('./page-agent.js', import.meta.url));

/**
 * `loopbackIce: false` leaves out `--allow-loopback-in-peer-connection`: ICE then only uses the
 * interfaces the test creates (veth pairs), so the test can change the media path without touching
 * signaling, which stays on loopback.
 */
export async function launchChromium(options: { loopbackIce?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (scripts/run-tests.mjs does this as root)`);
  }
  const args =
    options.loopbackIce === false ? CHROMIUM_ARGS.filter((a) => a !== '--allow-loopback-in-peer-connection') : [...CHROMIUM_ARGS];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, timeout: 30_000 });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Page console lines and errors, for failure messages. */
  consoleLines: string[];
}

/**
 * One browser context per user (separate storage, like two people on two machines), with the page
 * agent injected before any page script, and the page opened at `url`.
 */
export async function openUserPage(browser: Browser, url: string, label: string): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  await context.addInitScript({ path: agentPath });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const consoleLines: string[] = [];
  page.on('console', (msg) => {
    consoleLines.push(`[${label}] ${msg.type()}: ${msg.text()}`);
    if (consoleLines.length > 500) consoleLines.shift();
  });
  page.on('pageerror', (error) => consoleLines.push(`[${label}] pageerror: ${error.message}`));
  page.on('requestfailed', (request) =>
    consoleLines.push(`[${label}] requestfailed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) consoleLines.push(`[${label}] http ${response.status()}: ${response.url()}`);
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  return { context, page, consoleLines };
}

const sdkLoaded = () => {
  const w = window as unknown as Record<string, unknown>;
  return Boolean(w.RongIMLib && w.RCRTC && w.RCCall);
};

/**
 * Makes sure the page's SDK globals are there before a test drives them. A bundle that did not load
 * (seen once in CI: `RongIMLib` undefined on the first page of a run) is logged with the page's
 * console, failed requests and HTTP errors, and the page is loaded once more; still missing → throws.
 */
export async function ensureSdkLoaded({ page, consoleLines }: UserPage): Promise<void> {
  if (
    await page.waitForFunction(sdkLoaded, null, { timeout: 5000 }).then(
      () => true,
      () => false,
    )
  )
    return;
  console.warn(`[e2e] SDK globals missing after load; reloading once:\n${consoleLines.slice(-20).join('\n')}`);
  await page.reload({ waitUntil: 'load', timeout: 15_000 });
  if (
    await page.waitForFunction(sdkLoaded, null, { timeout: 5000 }).then(
      () => true,
      () => false,
    )
  )
    return;
  throw new Error(`SDK globals not loaded:\n${consoleLines.slice(-20).join('\n')}`);
}
