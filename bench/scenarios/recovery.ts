/**
 * Media recovery: the media path of a 1:1 call changes (a new address as the old one goes; or a
 * handover with a second network already up) → 3 new frames decoded, through the SDK against a bare
 * RTCPeerConnection with the usual app recipe (ICE restart on `disconnected` / `failed`) in the same
 * run. Runs bench/workers/recovery.ts inside `unshare -n` (its own veth interfaces).
 */
import { existsSync } from 'node:fs';
import { metric } from '../lib/metrics.js';
import { runWorkerForResult } from '../lib/procs.js';
import { type Scenario, ScenarioSkipped } from '../lib/scenario.js';
import { median, round } from '../lib/stats.js';

type Kind = 'path-change' | 'handover';

export const recovery: Scenario = {
  name: 'recovery',
  title: 'media recovery after a network change: SDK vs bare RTCPeerConnection with ICE restarts',
  async run({ quick, progress }) {
    if (process.getuid?.() !== 0) throw new ScenarioSkipped('needs root for `unshare -n` and veth interfaces');
    if (!existsSync('/usr/bin/chromium')) throw new ScenarioSkipped('/usr/bin/chromium missing (apt-get install -y chromium)');
    const rounds = quick ? 1 : 3;
    progress(`${rounds} rounds of path change and handover, SDK and bare, alternating`);
    const result = await runWorkerForResult<{
      sdk: Record<Kind, (number | null)[]>;
      bare: Record<Kind, (number | null)[]>;
      timeoutMs: number;
    }>('bench/workers/recovery.ts', [String(rounds)], {
      key: 'recovery',
      timeoutMs: 600_000,
      netns: {},
      progressPrefix: 'recovery round',
      progress,
    });
    /** Median, a run that never came back counting as the timeout. */
    const typical = (runs: (number | null)[]) => median(runs.map((ms) => ms ?? result.timeoutMs));
    const missing = (runs: (number | null)[]) => runs.filter((ms) => ms === null).length;
    const metrics = (['path-change', 'handover'] as const).map((kind) =>
      metric(`recovery.${kind.replace('-', '_')}`, round(typical(result.sdk[kind]), 0), 'ms', {
        baseline: round(typical(result.bare[kind]), 0),
        goal: 'value<=3000',
        note: `median of ${result.sdk[kind].length}: break → 3 new frames decoded by the callee; baseline: bare RTCPeerConnection + ICE restart on disconnected/failed (not back within ${result.timeoutMs / 1000} s: SDK ${missing(result.sdk[kind])}, bare ${missing(result.bare[kind])}, counted as ${result.timeoutMs / 1000} s)`,
      }),
    );
    return { metrics, details: result };
  },
};
