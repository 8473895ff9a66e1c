/**
 * The setup the signaling scenarios share: one server pinned to core 0, one worker of headless CallLib
 * clients pinned to core 1, `pairs` caller/callee pairs connected — and the teardown (profiles kept).
 * `startCallWorker` alone connects the pairs to servers started elsewhere (the cluster scenario).
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

export interface CallWorker {
  worker: ChildProcess;
  /** Stop the worker (letting a profiled one write its profile first). */
  close(): Promise<void>;
}

/**
 * Spawns bench/workers/call-clients.ts on core 1 and connects `pairs` pairs to `urls` (one server, or
 * cluster nodes placed by `layout`: see the worker).
 */
export async function startCallWorker(options: {
  urls: string[];
  layout?: 'cross' | 'owner';
  pairs: number;
  prefix: string;
  connectTimeoutMs: number;
  progress: (message: string) => void;
  /** Write the worker's CPU profile here. */
  profileDir?: string | undefined;
}): Promise<CallWorker> {
  const { profileDir } = options;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const clientFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const worker = spawnNodeWorker('bench/workers/call-clients.ts', [], { cpus: '1', nofile: 65_536 }, clientFlags);
  const close = async () => {
    worker.send({ type: 'exit' });
    // A profiled worker writes its profile when it exits by itself (not on SIGTERM).
    if (profileDir) await exited(worker, 10_000);
    await stopChild(worker, 10_000);
  };
  try {
    await waitFor(worker, 'ready', 20_000, 'call-clients worker');
    options.progress(`connecting ${options.pairs * 2} clients`);
    worker.send({
      type: 'connect',
      url: options.urls[0],
      urls: options.urls,
      layout: options.layout ?? 'cross',
      appKey: BENCH_APP_KEY,
      pairs: options.pairs,
      prefix: options.prefix,
    });
    await waitFor(worker, 'connected', options.connectTimeoutMs, 'connect clients');
  } catch (error) {
    await close();
    throw error;
  }
  return { worker, close };
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
  let clients: CallWorker;
  try {
    clients = await startCallWorker({ ...options, urls: [server.url], profileDir: clientProfDir });
  } catch (error) {
    await server.stop();
    throw error;
  }
  const close = async () => {
    await clients.close();
    await server.stop();
    printNewestProfile(cpuProfDir);
    printNewestProfile(clientProfDir);
  };
  return { server, worker: clients.worker, close };
}
