/** Drives the plain CallLib page (apps/demo/public/plain, served at /plain/) with clicks, through its `data-testid` attributes. */
import type { Page } from 'playwright-core';
import { waitForDecodedFrames } from './frames.js';

export class DemoPage {
  static readonly localVideo = '[data-testid="local-video"]';
  static readonly remoteVideo = '[data-testid="remote-video"]';

  constructor(
    readonly page: Page,
    private readonly consoleLines: string[] = [],
  ) {}

  /** Types the user id, clicks Connect and waits for "connected as <id>". */
  async connect(userId: string, timeoutMs = 10_000): Promise<void> {
    if (!(await this.page.evaluate(() => 'RongIMLib' in window && 'RCRTC' in window && 'RCCall' in window))) {
      throw new Error(`demo page: SDK globals not loaded (is dist/sdk built?); status: ${await this.text('status')}`);
    }
    await this.page.getByTestId('user-id').fill(userId);
    await this.page.getByTestId('connect-button').click();
    await this.expectText('connection-status', `connected as ${userId}`, timeoutMs);
  }

  async call(targetId: string, media: 'video' | 'audio' = 'video'): Promise<void> {
    await this.page.getByTestId('target-id').fill(targetId);
    await this.page.getByTestId('media-type').selectOption(media);
    await this.page.getByTestId('call-button').click();
  }

  /** Waits for the incoming-call panel, then clicks Accept. */
  async accept(timeoutMs = 10_000): Promise<void> {
    await this.page.getByTestId('incoming-panel').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.getByTestId('accept-button').click();
  }

  async reject(timeoutMs = 10_000): Promise<void> {
    await this.page.getByTestId('incoming-panel').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.getByTestId('reject-button').click();
  }

  async hangup(): Promise<void> {
    await this.page.getByTestId('hangup-button').click();
  }

  text(testId: string): Promise<string> {
    return this.page
      .getByTestId(testId)
      .textContent()
      .then((text) => text ?? '');
  }

  /** Waits (bounded) until the element's text contains `expected`; the error shows the demo's log. */
  async expectText(testId: string, expected: string, timeoutMs = 10_000): Promise<void> {
    try {
      await this.page.waitForFunction(
        ([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.includes(text) === true,
        [testId, expected] as const,
        { timeout: timeoutMs, polling: 100 },
      );
    } catch (error) {
      const actual = await this.text(testId).catch(() => '?');
      const log = await this.text('log').catch(() => '?');
      throw new Error(
        `demo ${testId}: wanted "${expected}", has "${actual}". Demo log:\n${log}\nConsole:\n${this.consoleLines.slice(-20).join('\n')}`,
        { cause: error },
      );
    }
  }

  waitForRemoteFrames(frames = 30, timeoutMs = 20_000): Promise<{ first: number; last: number }> {
    return waitForDecodedFrames(this.page, DemoPage.remoteVideo, frames, timeoutMs);
  }
}
