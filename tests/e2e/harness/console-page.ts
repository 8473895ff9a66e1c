/** The operator console driven in a real page: log in through the form, open pages, screenshot them. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { E2eEnv } from './e2e-env.js';

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../../docs/screenshots');

export class ConsolePage {
  private constructor(
    readonly page: Page,
    private readonly base: string,
    private readonly lines: string[],
  ) {}

  /** Opens `/console` and logs in through the password form. */
  static async login(env: E2eEnv, password: string): Promise<ConsolePage> {
    const { page, consoleLines } = await env.openPage('console', '/console');
    await page.setViewportSize({ width: 1280, height: 860 });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-testid="console-password"]').fill(password);
    await page.locator('[data-testid="console-login"]').click();
    const opened = new ConsolePage(page, env.server.url, consoleLines);
    await opened.waitReady();
    return opened;
  }

  /** Waits until the page has rendered (throws with the shown error code when it failed). */
  async waitReady(timeoutMs = 15_000): Promise<string> {
    await this.page.waitForSelector('#page[data-ready]:not([data-ready="login"])', { timeout: timeoutMs });
    const ready = (await this.page.getAttribute('#page', 'data-ready')) ?? '';
    if (ready === 'error') {
      const error = await this.page.textContent('#error');
      throw new Error(`console page ${this.page.url()} failed: ${error}\n${this.lines.slice(-20).join('\n')}`);
    }
    return ready;
  }

  async open(path: string): Promise<void> {
    await this.page.goto(`${this.base}${path}`, { waitUntil: 'load' });
    await this.waitReady();
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = resolve(SCREENSHOT_DIR, `console-${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  /** GET `/console/api<path>` with the page's session cookie. */
  // biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the JSON shape.
  async api(path: string): Promise<{ status: number; body: any }> {
    return this.page.evaluate(async (url) => {
      const response = await fetch(url, { credentials: 'same-origin' });
      return { status: response.status, body: await response.json() };
    }, `/console/api${path}`);
  }
}
