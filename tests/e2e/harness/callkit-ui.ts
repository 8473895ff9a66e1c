/**
 * Drives the CallKit demo page (apps/demo/public, served at `/`) the way a person does: clicks on
 * `data-testid`s (Playwright's test-id locators reach into CallKit's open shadow root). Also: decoded
 * frames of a participant's tile, a screenshot per state, and an axe-core check per state.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { UserPage } from './chromium.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const SCREENSHOT_DIR = resolve(ROOT, 'docs/screenshots');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

export class CallKitUser {
  readonly page: Page;

  constructor(
    readonly userId: string,
    private readonly userPage: UserPage,
  ) {
    this.page = userPage.page;
  }

  /** Fills the sign-in form and waits for "Signed in as <id>". */
  async signIn(name: string, lang: 'en' | 'zh-CN' = 'en'): Promise<void> {
    await this.page.getByTestId('demo-user-id').fill(this.userId);
    await this.page.getByTestId('demo-user-name').fill(name);
    await this.page.getByTestId('demo-lang').selectOption(lang);
    await this.page.getByTestId('demo-sign-in').click();
    await this.expectText('demo-status', `Signed in as ${this.userId}`);
  }

  click(testId: string): Promise<void> {
    return this.page.getByTestId(testId).click({ timeout: 10_000 });
  }

  /** The element's text now ('' when absent). */
  text(testId: string): Promise<string> {
    return this.page
      .getByTestId(testId)
      .first()
      .textContent({ timeout: 2000 })
      .then(
        (text) => text ?? '',
        () => '',
      );
  }

  async visible(testId: string, timeoutMs = 10_000): Promise<void> {
    try {
      await this.page.getByTestId(testId).first().waitFor({ state: 'visible', timeout: timeoutMs });
    } catch (error) {
      throw new Error(`${this.userId}: ${testId} not visible; ${await this.where()}\n${this.console()}`, { cause: error });
    }
  }

  /** The CallKit view and the demo's status line, for failure messages. */
  async where(): Promise<string> {
    const view = await this.page.evaluate(() => document.querySelector('opencall-callkit')?.getAttribute('data-view')).catch(() => '?');
    return `CallKit view ${view}, demo status "${await this.text('demo-status')}"`;
  }

  async hidden(testId: string, timeoutMs = 10_000): Promise<void> {
    await this.page.getByTestId(testId).first().waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  async expectText(testId: string, expected: string, timeoutMs = 10_000): Promise<void> {
    try {
      await this.page.getByTestId(testId).filter({ hasText: expected }).first().waitFor({ state: 'attached', timeout: timeoutMs });
    } catch (error) {
      const actual = await this.page
        .getByTestId(testId)
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => '?');
      throw new Error(`${this.userId} ${testId}: wanted "${expected}", has "${actual}"\n${this.console()}`, { cause: error });
    }
  }

  /** The end screen's reason: its `RCCallEndReason` value and its words. */
  async endReason(timeoutMs = 15_000): Promise<{ value: number; text: string }> {
    const reason = this.page.getByTestId('callkit-end-reason');
    await reason.waitFor({ state: 'visible', timeout: timeoutMs });
    return { value: Number(await reason.getAttribute('data-reason')), text: (await reason.textContent()) ?? '' };
  }

  /** A data attribute of `userId`'s tile (`audioMuted`, `videoMuted`, `quality`…), polled until it equals `value`. */
  async waitForTile(userId: string, attribute: string, value: string, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction(
      ([id, attr, want]) => {
        const root = document.querySelector('opencall-callkit')?.shadowRoot;
        const tile = root?.querySelector<HTMLElement>(`[data-testid="callkit-tile"][data-user-id="${id}"]`);
        if (!tile) return false;
        if (attr === 'quality') return tile.querySelector<HTMLElement>('[data-testid="callkit-quality"]')?.dataset.quality === want;
        return tile.dataset[attr] === want;
      },
      [userId, attribute, value] as const,
      { timeout: timeoutMs, polling: 100 },
    );
  }

  /**
   * Waits (bounded) until `userId`'s tile decoded `count` more frames from now. Counted across a new
   * track in the tile (a camera switch restarts the element's own counter).
   */
  async waitForFrames(userId: string, count = 20, timeoutMs = 20_000): Promise<void> {
    const key = `${userId}:${Date.now()}:${Math.random()}`;
    try {
      await this.page.waitForFunction(
        ([id, want, k]) => {
          const w = window as unknown as { __ckFrames?: Record<string, { last: number; sum: number }> };
          w.__ckFrames ??= {};
          const root = document.querySelector('opencall-callkit')?.shadowRoot;
          const video = root?.querySelector(`[data-testid="callkit-tile"][data-user-id="${id}"] video`);
          if (!(video instanceof HTMLVideoElement) || video.hidden) return false;
          const total = video.getVideoPlaybackQuality().totalVideoFrames;
          const seen = w.__ckFrames[k];
          if (!seen) {
            w.__ckFrames[k] = { last: total, sum: 0 };
            return false;
          }
          seen.sum += total >= seen.last ? total - seen.last : total;
          seen.last = total;
          return seen.sum >= want;
        },
        [userId, count, key] as const,
        { timeout: timeoutMs, polling: 100 },
      );
    } catch (error) {
      const seen = await this.page.evaluate(
        (k) => (window as unknown as { __ckFrames?: Record<string, { sum: number }> }).__ckFrames?.[k]?.sum ?? -1,
        key,
      );
      const tile = await this.page.evaluate((id) => {
        const root = document.querySelector('opencall-callkit')?.shadowRoot;
        const el = root?.querySelector<HTMLElement>(`[data-testid="callkit-tile"][data-user-id="${id}"]`);
        const video = el?.querySelector('video');
        const tracks = (video?.srcObject as MediaStream | null)?.getTracks().map((t) => `${t.kind}:${t.readyState}:${t.muted}`);
        return el ? `tile ${JSON.stringify(el.dataset)} video hidden=${video?.hidden} tracks=${tracks?.join(',')}` : 'no tile';
      }, userId);
      throw new Error(
        `${this.userId}: ${userId}'s tile decoded ${seen} of ${count} frames; ${tile}; ${await this.where()}\n${this.console()}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Screenshot of the page as it is, to docs/screenshots/callkit-<state>.png. */
  async screenshot(state: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = resolve(SCREENSHOT_DIR, `callkit-${state}.png`);
    await this.page.screenshot({ path, timeout: 10_000, animations: 'disabled' });
    return path;
  }

  /** axe-core on the page (CallKit's open shadow root included): the serious and critical findings. */
  async seriousA11yViolations(): Promise<AxeFinding[]> {
    if (!(await this.page.evaluate(() => 'axe' in window))) await this.page.addScriptTag({ path: AXE_PATH });
    return this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } })
        .axe;
      type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
    });
  }

  console(): string {
    return this.userPage.consoleLines.slice(-15).join('\n');
  }
}
