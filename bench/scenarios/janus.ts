/**
 * Peer: Janus VideoCall doing our job — two registered users, `call` → callee's `incomingcall` —
 * over its WebSocket API. Janus runs in a fresh network namespace (loopback + a veth pair for its
 * ICE agent, since Janus never gathers on loopback), driven by bench/workers/janus-videocall.ts.
 * Skipped, with the reason, when Janus cannot be installed or started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { metric } from '../lib/metrics.js';
import { runWorkerForResult } from '../lib/procs.js';
import { type Scenario, ScenarioSkipped } from '../lib/scenario.js';
import { round, summarize } from '../lib/stats.js';

const VETH = 'ip link add v0 type veth peer name v1 && ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up';

function ensureJanus(progress: (m: string) => void): void {
  if (existsSync('/usr/bin/janus')) return;
  if (process.getuid?.() !== 0) throw new ScenarioSkipped('janus is not installed and we are not root (apt-get install -y janus)');
  progress('installing janus (apt-get install -y janus)');
  const result = spawnSync('apt-get', ['install', '-y', 'janus'], { stdio: 'ignore', timeout: 180_000 });
  if (result.status !== 0 || !existsSync('/usr/bin/janus'))
    throw new ScenarioSkipped(`apt-get install -y janus failed (status ${result.status})`);
}

export const janusPeer: Scenario = {
  name: 'janus',
  title: 'Janus VideoCall (peer baseline)',
  async run({ quick, baselines, progress }) {
    if (process.getuid?.() !== 0) throw new ScenarioSkipped('needs root for `unshare -n` (Janus ICE needs its own veth)');
    ensureJanus(progress);
    const iterations = quick ? 100 : 500;
    progress(`${iterations} sequential call → incomingcall`);
    const result = await runWorkerForResult<{ samples?: number[]; skipped?: string; retries?: number; lost?: number }>(
      'bench/workers/janus-videocall.ts',
      [String(iterations)],
      { key: 'janus', timeoutMs: 180_000, netns: { setup: VETH } },
    );
    if (!result.samples) throw new ScenarioSkipped(`janus could not run: ${result.skipped}`);
    const s = summarize(result.samples.slice(Math.floor(result.samples.length / 10)));
    baselines.janusP50 = s.p50;
    baselines.janusP99 = s.p99;
    return {
      metrics: [
        metric('janus.call_to_incomingcall.p50', round(s.p50, 3), 'ms', {
          note: `${s.count} sequential calls (first 10 % dropped as warm-up), audio offer, Janus debug_level 3; ${result.lost ?? 0} calls lost and ${result.retries ?? 0} refused by Janus were retried, not counted`,
        }),
        metric('janus.call_to_incomingcall.p99', round(s.p99, 3), 'ms'),
      ],
      details: { iterations, janusMax: s.max, lost: result.lost, retries: result.retries },
    };
  },
};
