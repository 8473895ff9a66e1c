/**
 * Starts the real OpenCall server for a scenario: `node --import tsx packages/server/src/main.ts`
 * on 127.0.0.1 with a free port and a fresh data dir, optionally pinned to CPUs, with a raised fd
 * limit or under `--cpu-prof`. Same process as `npm start` runs (minus the SDK build).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTokenService } from '../../packages/server/src/services/auth/token-service.js';
import { captureOutput, REPO_ROOT, type SpawnOptions, spawnTracked, stopChild } from './procs.js';

export const BENCH_APP_KEY = 'benchappkey0001';
export const BENCH_APP_SECRET = 'bench-app-secret-0001';

export interface BenchServer {
  url: string;
  pid: number;
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

export interface BenchServerOptions extends Pick<SpawnOptions, 'cpus' | 'nofile'> {
  env?: Record<string, string>;
  /** Write a V8 CPU profile into this folder when the server exits. */
  cpuProfDir?: string;
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencall-bench-'));
  if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true });
  const nodeFlags = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child = spawnTracked([process.execPath, ...nodeFlags, '--import', 'tsx', resolve(REPO_ROOT, 'packages/server/src/main.ts')], {
    ...(options.cpus !== undefined ? { cpus: options.cpus } : {}),
    ...(options.nofile !== undefined ? { nofile: options.nofile } : {}),
    env: {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      OPENCALL_DATA_DIR: dataDir,
      OPENCALL_APP_KEY: BENCH_APP_KEY,
      OPENCALL_APP_SECRET: BENCH_APP_SECRET,
      // 1:1 calls only: keep the server from spawning its supervised Janus SFU.
      OPENCALL_SFU: 'off',
      // A load generator is not an abusive user: lift the per-user and per-connection limits.
      OPENCALL_CALLS_PER_MINUTE: '1000000',
      OPENCALL_WS_RATE_PER_SEC: '1000000',
      OPENCALL_API_RATE_PER_SEC: '1000000',
      OPENCALL_MAX_DEVICES_PER_USER: '1000',
      ...options.env,
    },
  });
  const logs = captureOutput(child);
  const stop = async () => {
    await stopChild(child, 8_000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${logs()}`)), 20_000);
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1] as string);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited during startup (code ${code}):\n${logs()}`));
      });
    });
    return { url, pid: child.pid as number, child, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Mints IM tokens for the bench app exactly as the server's token service does (no HTTP round trip). */
export function tokenMinter(): (userId: string) => Promise<string> {
  const app = { appKey: BENCH_APP_KEY, appSecret: BENCH_APP_SECRET };
  const service = createTokenService({
    apps: { get: async (key: string) => (key === BENCH_APP_KEY ? app : undefined) },
    users: { get: async () => undefined },
  } as never);
  return (userId) => service.issue(BENCH_APP_KEY, userId);
}
