/**
 * Raw transport: a bare `ws` server and client in two processes on 127.0.0.1. One-way latency is
 * half the round trip of sequential echoes (one clock: the client's); throughput is frames the
 * server JSON-parses per second of its own CPU time, with the server pinned to core 0 and the
 * flooding client to core 1.
 */
import { metric } from '../lib/metrics.js';
import { cpuMs, nextMessage, spawnNodeWorker, stopChild, waitFor } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { round, summarize } from '../lib/stats.js';

const WORKER = 'bench/workers/raw-ws.ts';

export const rawTransport: Scenario = {
  name: 'raw',
  title: 'raw ws transport (baseline)',
  async run({ quick, baselines, progress }) {
    const iterations = quick ? 2_000 : 10_000;
    const floodMs = quick ? 2_000 : 5_000;
    const server = spawnNodeWorker(WORKER, ['server'], { cpus: '0' });
    const client = spawnNodeWorker(WORKER, ['client'], { cpus: '1' });
    try {
      const { port } = await waitFor<{ type: 'listening'; port: number }>(server, 'listening', 15_000, 'raw ws server');
      await waitFor(client, 'ready', 15_000, 'raw ws client');
      const url = `ws://127.0.0.1:${port}`;

      progress(`latency: ${iterations} sequential echoes`);
      client.send({ type: 'latency', url, iterations });
      const { samples } = await waitFor<{ type: 'latency'; samples: number[] }>(client, 'latency', 120_000, 'raw latency');
      const oneWay = summarize(samples.slice(Math.floor(samples.length / 10))); // drop warm-up

      progress(`throughput: flooding for ${floodMs} ms`);
      const count = async () => {
        server.send({ type: 'count' });
        return (
          await nextMessage(
            server,
            (m) => ((m as { type: string }).type === 'count' ? (m as { received: number }) : undefined),
            5_000,
            'count',
          )
        ).received;
      };
      client.send({ type: 'flood', url, connections: 4, durationMs: floodMs + 1_500 });
      await new Promise((r) => setTimeout(r, 1_000)); // warm-up
      const startCount = await count();
      const startCpu = await cpuMs(server.pid as number);
      const startWall = performance.now();
      await new Promise((r) => setTimeout(r, floodMs));
      const endCount = await count();
      const endCpu = await cpuMs(server.pid as number);
      const wallS = (performance.now() - startWall) / 1000;
      await waitFor(client, 'flood', 30_000, 'raw flood');
      const received = endCount - startCount;
      const cpuS = (endCpu - startCpu) / 1000;
      const perWallSecond = received / wallS;
      const perCpuSecond = received / cpuS;

      baselines.rawOneWayP50 = oneWay.p50;
      baselines.rawOneWayP99 = oneWay.p99;
      baselines.rawMessagesPerCpuSecond = perCpuSecond;
      return {
        metrics: [
          metric('raw.one_way.p50', round(oneWay.p50, 4), 'ms', { note: `RTT/2 of ${oneWay.count} sequential echoes` }),
          metric('raw.one_way.p99', round(oneWay.p99, 4), 'ms'),
          metric('raw.messages_per_cpu_s', Math.round(perCpuSecond), 'msg/s', {
            note: `frames JSON-parsed per second of server CPU (core 0; ${Math.round(cpuS * 100) / 100} CPU-s of ${round(wallS, 2)} s)`,
          }),
          metric('raw.messages_per_s', Math.round(perWallSecond), 'msg/s', { note: 'wall clock, one client process on core 1' }),
        ],
        details: { iterations, floodMs, received, serverCpuS: cpuS, wallS },
      };
    } finally {
      await Promise.all([stopChild(client), stopChild(server)]);
    }
  },
};
