/** Decoded-frame checks on <video> elements, through the page agent's counters. */
import type { Page } from 'playwright-core';
import './agent-types.js';

/** Current decoded-frame count of the first <video> matching `selector` (-1: no such element). */
export function frameCount(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => window.__e2e.frameCount(sel), selector);
}

/**
 * Waits (bounded) until the <video> matching `selector` has decoded at least `frames` more frames than
 * at the first sample. Resolves with the first and last counts; rejects with both on timeout.
 */
export async function waitForDecodedFrames(
  page: Page,
  selector: string,
  frames: number,
  timeoutMs = 20_000,
): Promise<{ first: number; last: number }> {
  const first = Math.max(0, await frameCount(page, selector));
  try {
    await page.waitForFunction(([sel, target]) => window.__e2e.frameCount(sel) >= target, [selector, first + frames] as const, {
      timeout: timeoutMs,
      polling: 100,
    });
  } catch (error) {
    const last = await frameCount(page, selector).catch(() => -1);
    throw new Error(`${selector}: decoded ${last - first} frames in ${timeoutMs} ms, wanted ${frames} (first ${first}, last ${last})`, {
      cause: error,
    });
  }
  return { first, last: await frameCount(page, selector) };
}

/** `Date.now()` in the page when the <video> matching `selector` presented its first frame, if it has. */
export function firstFrameAt(page: Page, selector: string): Promise<number | null> {
  return page.evaluate((sel) => window.__e2e.firstFrameAt(sel), selector);
}
