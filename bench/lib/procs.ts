/**
 * Child processes of the bench: every one is tracked and killed (SIGKILL) when the bench exits, even
 * on an exception or Ctrl-C. Workers are Node scripts run through tsx, optionally pinned to CPUs and
 * with a raised file-descriptor limit (via `sh -c 'ulimit -n …; exec …'`).
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

const running = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface SpawnOptions {
  /** `taskset -a -c <cpus>`, e.g. '0'. */
  cpus?: string;
  /** Raise `ulimit -n` to this before exec. */
  nofile?: number;
  env?: Record<string, string>;
  /** Wrap in `unshare -n` with `lo` up (and extra shell setup before exec). */
  netns?: { setup?: string };
}

let hardLimit: number | undefined;

/** `ulimit -Hn` of this environment (raising it needs CAP_SYS_RESOURCE, which containers often lack). */
export function hardFileLimit(): number {
  if (hardLimit === undefined) {
    const out = execSync('ulimit -Hn', { shell: '/bin/sh', encoding: 'utf8' }).trim();
    hardLimit = out === 'unlimited' ? 1_048_576 : Number(out);
  }
  return hardLimit;
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Spawns `argv` (tracked, own process group, stdio piped; IPC channel when `ipc`). */
export function spawnTracked(argv: string[], options: SpawnOptions = {}, ipc = false): ChildProcess {
  hook();
  let command = argv.map(quote).join(' ');
  if (options.cpus !== undefined) command = `taskset -a -c ${options.cpus} ${command}`;
  const prelude: string[] = [];
  if (options.nofile !== undefined) prelude.push(`ulimit -n ${Math.min(options.nofile, hardFileLimit())}`);
  if (options.netns) prelude.push('ip link set lo up', ...(options.netns.setup ? [options.netns.setup] : []));
  const script = `${prelude.map((p) => `${p} && `).join('')}exec ${command}`;
  const shell = options.netns ? ['unshare', '-n', '--', 'sh', '-c', script] : ['sh', '-c', script];
  const child = spawn(shell[0] as string, shell.slice(1), {
    cwd: REPO_ROOT,
    env: { ...(process.env as Record<string, string>), ...options.env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** `node --import tsx <script> …args` as a tracked worker. */
export function spawnNodeWorker(script: string, args: string[] = [], options: SpawnOptions = {}, nodeFlags: string[] = []): ChildProcess {
  return spawnTracked([process.execPath, ...nodeFlags, '--import', 'tsx', resolve(REPO_ROOT, script), ...args], options, true);
}

/** Collects a child's output (bounded) for error messages. */
export function captureOutput(child: ChildProcess, limit = 200_000): () => string {
  let out = '';
  const add = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > limit) out = out.slice(-limit);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => out;
}

/** Resolves with the first IPC message for which `accept` returns a value; rejects on exit or timeout. */
export function nextMessage<T>(child: ChildProcess, accept: (m: unknown) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && (m as { type?: unknown }).type === 'error') {
        cleanup();
        reject(new Error(`${what}: worker error: ${(m as { message?: string }).message}`));
        return;
      }
      const value = accept(m);
      if (value === undefined) return;
      cleanup();
      resolvePromise(value);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${what}: worker exited (code ${code}, signal ${signal})`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Waits for a message `{type}` and returns it. */
export function waitFor<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number, what: string): Promise<T> {
  return nextMessage(child, (m) => ((m as { type?: unknown })?.type === type ? (m as T) : undefined), timeoutMs, what);
}

/** Resolves when the child has exited on its own, or after `timeoutMs`. */
export function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(resolvePromise, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}

/** SIGTERM the process group, SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const signal = (s: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, s);
      } catch {
        child.kill(s);
      }
    };
    const force = setTimeout(() => signal('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    signal('SIGTERM');
  });
}

/** Resident set size of `pid` in bytes (from /proc), NaN if unreadable. */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system) of `pid` in ms, from /proc/<pid>/stat. */
export async function cpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // CLK_TCK is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

export interface WorkerResultOptions extends SpawnOptions {
  /** The worker prints one JSON line `{"<key>": …}` with its result. */
  key: string;
  /** The worker is killed past this. */
  timeoutMs: number;
  /** Stderr lines starting with this are shown as progress (the prefix removed when `stripPrefix`). */
  progressPrefix?: string;
  stripPrefix?: boolean;
  progress?: (message: string) => void;
}

/**
 * Runs `node --import tsx <script> …args` to its end (bounded) and returns the value under `key` of
 * the JSON line it printed; throws with the tail of its output when there is none.
 */
export async function runWorkerForResult<T>(script: string, args: string[], options: WorkerResultOptions): Promise<T> {
  const worker = spawnNodeWorker(script, args, options);
  const output = captureOutput(worker);
  const { progressPrefix, progress } = options;
  if (progressPrefix !== undefined && progress) {
    worker.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.startsWith(progressPrefix)) progress(options.stripPrefix ? line.slice(progressPrefix.length) : line);
      }
    });
  }
  const code = await new Promise<number | null>((resolvePromise) => {
    const timer = setTimeout(() => worker.kill('SIGKILL'), options.timeoutMs);
    worker.once('exit', (c) => {
      clearTimeout(timer);
      resolvePromise(c);
    });
  });
  const line = output()
    .split('\n')
    .find((l) => l.startsWith(`{"${options.key}"`));
  if (!line) throw new Error(`${script} exited (code ${code}) without a result:\n${output().slice(-3000)}`);
  return (JSON.parse(line) as Record<string, T>)[options.key] as T;
}
