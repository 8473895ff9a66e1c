/**
 * Media setup: accept → first decoded remote frame between two Chromium pages, P2P through our SDK,
 * against a bare RTCPeerConnection between two pages (signaled by the harness) in the same run: with
 * trickle ICE (the fair baseline: the SDK trickles too) and with complete ICE.
 * Runs bench/workers/media.ts inside `unshare -n` (loopback only), like scripts/run-e2e.mjs.
 */
import { existsSync } from 'node:fs';
import { metric } from '../lib/metrics.js';
import { runWorkerForResult } from '../lib/procs.js';
import { type Scenario, ScenarioSkipped } from '../lib/scenario.js';
import { median, round } from '../lib/stats.js';

export const mediaSetup: Scenario = {
  name: 'media',
  title: 'media setup in Chromium: SDK vs bare RTCPeerConnection',
  async run({ quick, progress }) {
    if (process.getuid?.() !== 0) throw new ScenarioSkipped('needs root for `unshare -n`');
    if (!existsSync('/usr/bin/chromium')) throw new ScenarioSkipped('/usr/bin/chromium missing (apt-get install -y chromium)');
    const rounds = quick ? 2 : 5;
    progress(`${rounds} SDK calls and ${rounds} bare connections, alternating`);
    const { sdk, bare, bareTrickle, sdkCaller } = await runWorkerForResult<{
      sdk: number[];
      bare: number[];
      bareTrickle: number[];
      sdkCaller: number[];
    }>('bench/workers/media.ts', [String(rounds)], { key: 'media', timeoutMs: 300_000, netns: {} });
    const sdkMs = median(sdk);
    const note = (baseline: string, runs: number) =>
      `median of ${sdk.length}: callee accept() → callee's first presented remote frame (caller side in the JSON details); baseline median of ${runs} bare offer/answer with ${baseline} → first frame`;
    return {
      metrics: [
        metric('media.accept_to_first_frame', round(sdkMs, 1), 'ms', {
          baseline: round(median(bareTrickle), 1),
          goal: 'ratio<=1.1',
          note: note('trickle ICE (candidates relayed as found)', bareTrickle.length),
        }),
        metric('media.accept_to_first_frame_vs_complete_ice', round(sdkMs, 1), 'ms', {
          baseline: round(median(bare), 1),
          goal: 'ratio<=1.3',
          note: note('complete ICE (no trickle)', bare.length),
        }),
      ],
      details: { sdk, sdkCaller, bare, bareTrickle },
    };
  },
};
