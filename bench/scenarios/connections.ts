/**
 * Connections: idle authenticated IM connections held by one server process. Two client workers
 * (core 1) connect from 127.0.0.2–9 (≈28k ephemeral ports per source address); the server's RSS
 * delta divided by the count is the memory per connection. Heartbeats are set to 2 minutes (the
 * server's maximum; reaped after 3 missed) so the idle sockets are not reaped while it runs. The
 * count is capped by this environment's hard fd limit (`ulimit -Hn`), which a container may not raise.
 */
import type { ChildProcess } from 'node:child_process';
import { metric } from '../lib/metrics.js';
import { hardFileLimit, rssBytes, spawnNodeWorker, stopChild, waitFor } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { BENCH_APP_KEY, startBenchServer } from '../lib/server.js';
import { round } from '../lib/stats.js';

interface Opened {
  type: 'opened';
  connected: number;
  failed: number;
  ms: number;
  firstError?: string;
}

const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const connections: Scenario = {
  name: 'connections',
  title: 'idle authenticated connections on one server',
  async run({ quick, progress }) {
    const target = Math.min(quick ? 5_000 : 100_000, hardFileLimit() - 2_000);
    const deadlineMs = quick ? 60_000 : 240_000;
    const server = await startBenchServer({ nofile: target + 10_000, env: { OPENCALL_HEARTBEAT_MS: '120000' } });
    const perWorker = Math.ceil(target / 2);
    const workers: ChildProcess[] = [0, 1].map(() =>
      spawnNodeWorker('bench/workers/idle-connections.ts', [], { cpus: '1', nofile: perWorker + 10_000 }, ['--max-old-space-size=4096']),
    );
    try {
      await Promise.all(workers.map((w) => waitFor(w, 'ready', 20_000, 'connections worker')));
      await sleep(1_000);
      const rssBefore = await rssBytes(server.pid);
      progress(`opening ${target} connections (deadline ${deadlineMs / 1000} s); server RSS before ${Math.round(rssBefore / 2 ** 20)} MiB`);
      const started = performance.now();
      workers.forEach((w, i) => {
        w.send({
          type: 'open',
          url: server.url.replace('http', 'ws') + '/ws',
          appKey: BENCH_APP_KEY,
          count: perWorker,
          prefix: `idle${i}`,
          addresses: ADDRESSES,
          deadlineMs,
        });
      });
      const opened = await Promise.all(workers.map((w) => waitFor<Opened>(w, 'opened', deadlineMs + 60_000, 'open connections')));
      const connectMs = performance.now() - started;
      const connected = opened.reduce((s, o) => s + o.connected, 0);
      const failed = opened.reduce((s, o) => s + o.failed, 0);
      await sleep(2_000);
      const rssAfter = await rssBytes(server.pid);
      const perConnectionKB = (rssAfter - rssBefore) / connected / 1024;
      const firstError = opened.find((o) => o.firstError)?.firstError;
      return {
        metrics: [
          metric('connections.held', connected, 'conns', {
            goal: 'value>=100000',
            note: `target ${target} (fd hard limit ${hardFileLimit()}), ${failed} failed${firstError ? ` (first: ${firstError})` : ''}; 2 client workers, 8 source addresses`,
          }),
          metric('connections.rss_per_connection', round(perConnectionKB, 2), 'KB', {
            goal: 'value<=10',
            note: `server RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MiB`,
          }),
          metric('connections.connect_all', round(connectMs / 1000, 2), 's', {
            note: `${Math.round(connected / (connectMs / 1000))} connections/s`,
          }),
        ],
        details: { target, connected, failed, rssBefore, rssAfter, connectMs, firstError },
      };
    } finally {
      for (const w of workers) w.send({ type: 'close' });
      await Promise.all(workers.map((w) => stopChild(w, 10_000)));
      await server.stop();
    }
  },
};
