/**
 * The harness baseline: a bare RTCPeerConnection between two pages, signaled by the test itself
 * (offer/answer with complete ICE, or trickle ICE, carried through page.evaluate). Benchmarks reuse it as the
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
 * With `trickle`, offer and answer go at once and each candidate is relayed to the other page as
 * soon as it is found (as an SDK signaling through a server does); else both wait for complete ICE.
 * A page takes part in at most one trickle call (its relay binding is exposed once).
 */
export async function runBareCall(
  caller: Page,
  callee: Page,
  frames = 30,
  timeoutMs = 20_000,
  { trickle = false }: { trickle?: boolean } = {},
): Promise<BareCallResult> {
  if (trickle) {
    const relay = (to: Page) => (candidate: RTCIceCandidateInit) => to.evaluate((c) => window.__e2e.bare.addCandidate(c), candidate);
    await caller.exposeFunction('__e2eBareTrickle', relay(callee));
    await callee.exposeFunction('__e2eBareTrickle', relay(caller));
  }
  const startedAt = Date.now();
  const offer = await caller.evaluate((t) => window.__e2e.bare.offer(t), trickle);
  const answer = await callee.evaluate(([o, t]) => window.__e2e.bare.answer(o, t), [offer, trickle] as const);
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

/** ICE states after which the usual app recipe restarts ICE. */
const TROUBLE = new Set(['disconnected', 'failed']);

/**
 * The usual app recipe for network changes, on a running bare call: poll the caller's ICE state and
 * restart ICE (offer/answer carried by the harness) whenever it turns `disconnected` or `failed`, at
 * most `maxRestarts` times, until the callee decoded `frames` more frames or `timeoutMs` passed.
 * Resolves with the ms taken, or `null` on timeout.
 */
export async function recoverBareCall(
  caller: Page,
  callee: Page,
  frames: number,
  timeoutMs: number,
  maxRestarts = 3,
): Promise<number | null> {
  const startedAt = Date.now();
  const decoded = waitForDecodedFrames(callee, BARE_REMOTE_VIDEO, frames, timeoutMs).then(
    () => Date.now() - startedAt,
    () => null,
  );
  let done = false;
  void decoded.then(() => {
    done = true;
  });
  let restarts = 0;
  let inTrouble = false;
  while (!done && Date.now() - startedAt < timeoutMs) {
    const state = await caller.evaluate(() => window.__e2e.bare.iceState());
    if (TROUBLE.has(state) && !inTrouble && restarts < maxRestarts) {
      restarts += 1;
      const offer = await caller.evaluate(() => window.__e2e.bare.restartOffer());
      const answer = await callee.evaluate((o) => window.__e2e.bare.reanswer(o), offer);
      await caller.evaluate((a) => window.__e2e.bare.accept(a), answer);
    }
    inTrouble = TROUBLE.has(state);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return decoded;
}
