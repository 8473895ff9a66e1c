/**
 * SFU forwarding cost with a light load generator: one publisher of synthetic VP8 RTP (≈ 300 pkt/s,
 * no encoder) fanned out by Janus to receive-only subscribers that count RTP packets (no decoder),
 * ramped through a few subscriber counts, once per Janus configuration variant (a lever) in the same
 * run. The figure is packets received by subscribers per second of Janus CPU time, which is what
 * LiveKit's published 35–60k pkt/s per core measures. Runs bench/workers/sfu-fanout.ts in a fresh
 * network namespace with a veth pair for Janus's ICE (as the sfu scenario does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Metric, metric } from '../lib/metrics.js';
import { runWorkerForResult } from '../lib/procs.js';
import { type Scenario, ScenarioSkipped } from '../lib/scenario.js';
import { round } from '../lib/stats.js';
import type { FanoutStep } from '../workers/sfu-fanout.js';

const VETH = 'ip link add v0 type veth peer name v1 && ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up';
/** A step counts as held when at least this share of the published packets reached every subscriber. */
const HELD_DELIVERY = 0.99;

function pct(x: number): string {
  return `${round(x * 100, 0)} %`;
}

export const sfuFanout: Scenario = {
  name: 'sfu-fanout',
  title: 'Janus SFU: forwarded packets per Janus CPU-second with a light (no encode/decode) load, and config levers',
  async run({ quick, progress }) {
    if (process.getuid?.() !== 0) throw new ScenarioSkipped('needs root for `unshare -n` (Janus ICE needs its own veth)');
    if (!existsSync('/usr/bin/janus')) {
      const installed = spawnSync('apt-get', ['install', '-y', 'janus'], { stdio: 'ignore', timeout: 180_000 }).status === 0;
      if (!installed || !existsSync('/usr/bin/janus')) throw new ScenarioSkipped('janus is not installed (apt-get install -y janus)');
    }
    const steps = quick ? [25, 75, 150] : [25, 100, 200, 300];
    const windowMs = quick ? 4_000 : 6_000;
    // The product configuration first and last, so drift of the shared machine's load shows.
    const variants = quick
      ? ['product', 'thread_per_handle', 'product']
      : ['product', 'thread_per_handle', 'quiet_log', 'nack_queue_off', 'product'];
    progress(`variants ${variants.join(', ')}; subscribers ${steps.join(' → ')}; ${windowMs / 1000} s windows`);
    const r = await runWorkerForResult<{ steps: FanoutStep[]; failures: string[]; cores: number }>(
      'bench/workers/sfu-fanout.ts',
      [steps.join(','), String(windowMs), variants.join(',')],
      {
        key: 'fanout',
        timeoutMs: quick ? 150_000 : 420_000,
        netns: { setup: VETH },
        nofile: 65_536,
        progressPrefix: 'fanout: ',
        stripPrefix: true,
        progress,
      },
    );
    const last = steps.at(-1) as number;
    // Per-packet cost is read at the largest step (packets actually delivered, whatever the loss), in every run of a variant.
    const top = (variant: string): FanoutStep[] => r.steps.filter((s) => s.variant === variant && s.subscribers === last);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
    const describe = (runs: FanoutStep[]) =>
      runs
        .map(
          (s) =>
            `${round(s.packetsPerJanusCpuSecond, 0)} (${round(s.forwardedPerSec, 0)} pkt/s, Janus ${pct(s.janusCpu)} of a core, delivery ${pct(s.delivery)})`,
        )
        .join('; ');
    const product = top('product');
    const productRate = mean(product.map((s) => s.packetsPerJanusCpuSecond));
    let most: FanoutStep | undefined;
    for (const count of steps) {
      const runs = r.steps.filter((s) => s.variant === 'product' && s.subscribers === count);
      if (runs.length === 0 || runs.some((s) => s.delivery < HELD_DELIVERY)) break;
      most = runs.reduce((worst, s) => (s.delivery < worst.delivery ? s : worst));
    }
    const metrics: Metric[] = [
      metric('sfu.forwarded_packets_per_cpu_s', round(productRate, 0), 'pkt/s', {
        note: `RTP packets received by ${last} subscribers per second of Janus CPU time, product Janus config, mean of ${product.length} runs: ${describe(product)}; reference (not a goal): LiveKit publishes 35–60k pkt/s per core`,
      }),
      metric('sfu.fanout_subscribers', most?.subscribers ?? 0, 'subscribers', {
        note: `most receive-only subscribers of one ≈ ${round(most?.publishedPerSec ?? Number.NaN, 0)} pkt/s publisher with ≥ ${pct(HELD_DELIVERY)} delivery in every product run up to it (${round(most?.forwardedPerSec ?? Number.NaN, 0)} pkt/s forwarded); ramp ends at ${last}; bots and Janus share ${r.cores} loaded cores${r.failures.length ? `; stopped early: ${r.failures.join('; ')}` : ''}`,
      }),
    ];
    for (const variant of variants.filter((v, i) => v !== 'product' && variants.indexOf(v) === i)) {
      const runs = top(variant);
      metrics.push(
        metric(`sfu.lever.${variant}`, round(mean(runs.map((s) => s.packetsPerJanusCpuSecond)), 0), 'pkt/s', {
          baseline: round(productRate, 0),
          note: `pkt per Janus CPU-second with the lever at ${last} subscribers: ${describe(runs)}; baseline = product config in the same run; ratio > 1 = cheaper forwarding`,
        }),
      );
    }
    return { metrics, details: { steps: r.steps, failures: r.failures, cores: r.cores, variants } };
  },
};
