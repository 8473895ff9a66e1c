/**
 * Proves the harness: two users (two browser contexts) on the server's origin connect a bare
 * RTCPeerConnection, signaled by the test, and the callee decodes ≥ 30 frames over loopback.
 * Its time to first frame is the baseline the SDK's call setup is compared against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBareCall, runBareCall } from './harness/bare-webrtc.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';

describe('bare WebRTC between two pages (harness baseline)', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'bare-webrtc', budgetMs: 120_000 });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('the callee decodes at least 30 frames of the caller’s fake camera over loopback', async () => {
    const caller = await env.openPage('caller');
    const callee = await env.openPage('callee');

    const result = await runBareCall(caller.page, callee.page, 30);
    console.log(
      `[e2e-timing] bare WebRTC: first remote frame after ${result.firstFrameMs} ms, 30 frames after ${result.framesMs} ms ` +
        `(pair ${result.selectedPair?.local} → ${result.selectedPair?.remote})`,
    );

    expect(result.frames.last - result.frames.first).toBeGreaterThanOrEqual(30);
    // Media must stay on loopback (run-e2e.mjs runs us in a network namespace that has nothing else).
    const loopback = /^(127\.|::1$)/;
    expect(result.selectedPair?.local).toMatch(loopback);
    expect(result.selectedPair?.remote).toMatch(loopback);
    await closeBareCall(caller.page, callee.page);
  });

  it('with trickle ICE (candidates relayed as found) the callee decodes 30 frames too', async () => {
    const caller = await env.openPage('trickle-caller');
    const callee = await env.openPage('trickle-callee');

    const result = await runBareCall(caller.page, callee.page, 30, 20_000, { trickle: true });
    console.log(`[e2e-timing] bare WebRTC, trickle ICE: first remote frame after ${result.firstFrameMs} ms`);

    expect(result.frames.last - result.frames.first).toBeGreaterThanOrEqual(30);
    expect(result.selectedPair?.local).toMatch(/^(127\.|::1$)/);
    await closeBareCall(caller.page, callee.page);
  });
});
