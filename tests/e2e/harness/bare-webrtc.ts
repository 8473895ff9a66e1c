/**
 * The harness baseline: a bare RTCPeerConnection between two pages, signaled by the test itself
 * (offer/answer with complete ICE, carried through page.evaluate). Benchmarks reuse it as the
 * "no SDK, no server" reference for time to first decoded frame.
 */
import type { Page } from 'playwright-core';
import './agent-types.js';
import { firstFrameAt, waitForDecodedFrames } from './frames.js';

export const BARE_REMOTE_VIDEO = 'video[data-e2e-video="remote"]';

export interface BareCallResult {
  /** ms from the start of signaling to the callee's first presented remote frame. */
  firstFrameMs: number;
  /** ms from the start of signaling until the callee had decoded `frames` frames. */
  framesMs: number;
  frames: { first: number; last: number };
  /** Addresses of the selected candidate pair on the caller's side. */
  selectedPair: { local: string | null; remote: string | null } | null;
}

/**
 * Connects `caller` → `callee` (each a page with the agent loaded) and waits until the callee's
 * <video> has decoded `frames` frames. The peer connections stay open; call `closeBareCall` after.
 */
export async function runBareCall(caller: Page, callee: Page, frames = 30, timeoutMs = 20_000): Promise<BareCallResult> {
  const startedAt = Date.now();
  const offer = await caller.evaluate(() => window.__e2e.bare.offer());
  const answer = await callee.evaluate((o) => window.__e2e.bare.answer(o), offer);
  await caller.evaluate((a) => window.__e2e.bare.accept(a), answer);
  const decoded = await waitForDecodedFrames(callee, BARE_REMOTE_VIDEO, frames, timeoutMs);
  const framesMs = Date.now() - startedAt;
  const first = await firstFrameAt(callee, BARE_REMOTE_VIDEO);
  const selectedPair = await caller.evaluate(() => window.__e2e.bare.selectedPair());
  return { firstFrameMs: first === null ? framesMs : first - startedAt, framesMs, frames: decoded, selectedPair };
}

export async function closeBareCall(...pages: Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.evaluate(() => window.__e2e.bare.close())));
}
