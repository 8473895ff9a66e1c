/**
 * The setup both signaling scenarios share: one server pinned to core 0, one worker of headless CallLib
 * clients pinned to core 1, `pairs` caller/callee pairs connected — and the teardown (profiles kept).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { printNewestProfile } from './cpuprofile.js';
import { exited, spawnNodeWorker, stopChild, waitFor } from './procs.js';
import { BENCH_APP_KEY, type BenchServer, startBenchServer } from './server.js';

export interface CallRig {
  server: BenchServer;
  worker: ChildProcess;
  /** Stop the worker (letting a profiled one write its profile), then the server; print the server profile. */
  close(): Promise<void>;
}

export async function startCallRig(options: {
  scenario: string;
  profileRoot: string | undefined;
  pairs: number;
  prefix: string;
  connectTimeoutMs: number;
  progress: (message: string) => void;
}): Promise<CallRig> {
  const cpuProfDir = options.profileRoot ? join(options.profileRoot, options.scenario) : undefined;
  const server = await startBenchServer({ cpus: '0', nofile: 65_536, ...(cpuProfDir ? { cpuProfDir } : {}) });
  const clientProfDir = cpuProfDir ? join(cpuProfDir, 'clients') : undefined;
  if (clientProfDir) mkdirSync(clientProfDir, { recursive: true });
  const clientFlags = clientProfDir ? ['--cpu-prof', `--cpu-prof-dir=${clientProfDir}`] : [];
  const worker = spawnNodeWorker('bench/workers/call-clients.ts', [], { cpus: '1', nofile: 65_536 }, clientFlags);
  const close = async () => {
    worker.send({ type: 'exit' });
    // A profiled worker writes its profile when it exits by itself (not on SIGTERM).
    if (clientProfDir) await exited(worker, 10_000);
    await stopChild(worker, 10_000);
    await server.stop();
    printNewestProfile(cpuProfDir);
    printNewestProfile(clientProfDir);
  };
  try {
    await waitFor(worker, 'ready', 20_000, 'call-clients worker');
    options.progress(`connecting ${options.pairs * 2} clients`);
    worker.send({ type: 'connect', url: server.url, appKey: BENCH_APP_KEY, pairs: options.pairs, prefix: options.prefix });
    await waitFor(worker, 'connected', options.connectTimeoutMs, 'connect clients');
  } catch (error) {
    await close();
    throw error;
  }
  return { server, worker, close };
}
