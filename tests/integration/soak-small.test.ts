/**
 * A small soak in CI (`npm run soak` runs 10,000): 300 call lifecycles between 30 pairs of headless
 * clients with random accepts, rejects, cancels, ring timeouts and mid-call reconnects — no session
 * stuck, no callback lost or duplicated, one stored record per call, nothing left in flight.
 */
import { RCCallErrorCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { runSoak } from '../soak/soak-driver.js';

const RING_TIMEOUT_MS = 1000;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    env: {
      OPENCALL_SFU: 'off',
      OPENCALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
      OPENCALL_API_RATE_PER_SEC: '1000000',
      OPENCALL_CALLS_PER_MINUTE: '1000000',
    },
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('soak (small)', () => {
  it('300 lifecycles: none stuck, none duplicated, every call recorded, nothing in flight', { timeout: 60_000 }, async () => {
    const report = await runSoak({
      server,
      lifecycles: 300,
      pairs: 30,
      ringTimeoutMs: RING_TIMEOUT_MS,
      seed: 12345,
      exclude: ['hangup-while-callee-offline'],
    });
    expect(JSON.stringify(report.failures, null, 1), 'every failed lifecycle, in full').toBe('[]');
    expect(report.stuck).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(report.placed).toBe(300);
    expect(report.storedRecords).toBe(report.placed);
    expect(report.probeCodes.every((code) => code === RCCallErrorCode.SUCCESS)).toBe(true);
  });

  // Product gap (issue 5 item 1, resume — in progress): when the caller hangs up while the callee's
  // device is between im.disconnect() and im.connect(token), the call.ended event is not delivered
  // on reconnect, so the callee's session never reaches onSessionClose (≈15% of such lifecycles).
  it('hang-ups during a callee disconnect → reconnect gap still close the callee’s session', { timeout: 60_000 }, async () => {
    const report = await runSoak({
      server,
      lifecycles: 60,
      pairs: 20,
      ringTimeoutMs: RING_TIMEOUT_MS,
      seed: 777,
      exclude: ['accept-caller-hangs-up', 'accept-callee-hangs-up', 'reject', 'cancel', 'ring-timeout', 'reconnect-mid-call'],
    });
    expect(JSON.stringify(report.failures, null, 1), 'every failed lifecycle, in full').toBe('[]');
    expect(report.stuck).toEqual([]);
    expect(report.duplicates).toEqual([]);
  });
});
