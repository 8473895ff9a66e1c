/**
 * Private Postgres and Redis for e2e tests that run a cluster inside the test's network namespace
 * (run-e2e.mjs uses `unshare -n`: the machine's shared services on 127.0.0.1 are not reachable there).
 * Both run in the foreground as children of this process (same process group, so run-e2e's group
 * kill takes them too), on 127.0.0.1 only, with their data in a temp folder removed on stop. A
 * watchdog SIGKILLs them if the test overruns `budgetMs` or the process exits without stopping them.
 * Never touches the shared services (they live in the machine's own namespace anyway).
 *
 *   const services = await startPrivateServices('cluster-failover', 150_000);
 *   // services.postgresUrl, services.redisUrl
 *   await services.stop();
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/free-port.js';

export { freePort };

const PG_BIN = '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = '/usr/bin/redis-server';
const READY_TIMEOUT_MS = 20_000;
const MAX_LOG_CHARS = 200_000;

export interface PrivateServices {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  postgresUrl: string;
  /** `redis://127.0.0.1:<port>`. */
  redisUrl: string;
  /** Output of both services, for failure messages. */
  logs(): string;
  /** SIGTERM (SIGKILL after 3 s) both, then removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

/** Uid and gid of the `postgres` system user (initdb and postgres refuse to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no `postgres` user: apt-get install -y postgresql-15');
  return { uid: Number(uid), gid: Number(gid) };
}

interface Child {
  process: ChildProcess;
  output: () => string;
}

/** Spawns `command` and resolves once its output matches `ready`; rejects on exit or timeout. */
function spawnUntilReady(
  name: string,
  command: string,
  args: string[],
  ready: RegExp,
  options: { uid?: number; gid?: number; cwd?: string } = {},
): Promise<Child> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready.test(output)) {
        cleanup();
        resolve({ process: child, output: () => output });
      }
    }, 50);
    const deadline = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready within ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${name} exited during start (code ${code}, signal ${signal}):\n${output}`));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new Error(`${name} could not start: ${error.message}`));
    };
    const cleanup = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    // Postgres: SIGINT is the "fast" shutdown (ends sessions, no wait for clients).
    child.kill(child.spawnfile.endsWith('postgres') ? 'SIGINT' : 'SIGTERM');
  });
}

/** Starts a private Redis and Postgres on free 127.0.0.1 ports; both die by `budgetMs` at the latest. */
export async function startPrivateServices(label: string, budgetMs: number): Promise<PrivateServices> {
  for (const binary of [REDIS_SERVER, `${PG_BIN}/initdb`, `${PG_BIN}/postgres`]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: apt-get install -y redis-server postgresql-15`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'opencall-e2e-services-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const watchdog = setTimeout(() => {
    console.error(`[watchdog] ${label}: private Postgres/Redis still running after ${budgetMs} ms; killing them`);
    killAll();
  }, budgetMs);
  watchdog.unref();

  let stopped = false;
  const outputs: Array<() => string> = [];
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(watchdog);
    await Promise.all(children.map(stopChild));
    process.off('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const redisPort = await freePort();
    const redis = await spawnUntilReady(
      'redis-server',
      REDIS_SERVER,
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      /Ready to accept connections/,
    );
    children.push(redis.process);
    outputs.push(redis.output);

    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    const pgData = join(dir, 'pg');
    const init = spawnSync(`${PG_BIN}/initdb`, ['-D', pgData, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
      uid,
      gid,
      cwd: dir,
      encoding: 'utf8',
      timeout: READY_TIMEOUT_MS,
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
    const pgPort = await freePort();
    const postgres = await spawnUntilReady(
      'postgres',
      `${PG_BIN}/postgres`,
      [
        ...['-D', pgData, '-p', String(pgPort), '-k', dir],
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ],
      /database system is ready to accept connections/,
      { uid, gid, cwd: dir },
    );
    children.push(postgres.process);
    outputs.push(postgres.output);

    return {
      postgresUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      logs: () => outputs.map((o) => o()).join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
