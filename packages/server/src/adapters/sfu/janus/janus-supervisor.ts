/**
 * Runs a local Janus (`janus -F <dir> -C <dir>/janus.jcfg -o`) with the server's own config,
 * health-checks it over the WebSocket API (`info` every 10 s), and restarts it with bounded
 * exponential backoff when it dies or stops answering.
 *
 * ```
 *   stopped ──start──▶ starting ──answered──▶ up
 *      ▲                 │   ▲                 │
 *      │            died │   │ retry      died │ (exit, failed health check, no answer in 10 s)
 *      │                 ▼   │                 │
 *      │               backoff ◀───────────────┘
 *      │
 *      │   starting / up ──exhausted──▶ failed   (more than `maxFailures` failures in a row)
 *      └──stop── every state (stop() is idempotent: stopped ──stop──▶ stopped)
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SafeEmitter } from '@opencall/protocol';
import { JanusClient } from './janus-client.js';
import { type JanusConfigOptions, writeJanusConfig } from './janus-config.js';
import { SUPERVISOR_MACHINE, type SupervisorEvent, type SupervisorState } from './janus-supervisor-machine.js';

export type JanusSupervisorEvents = {
  /** Janus answers on `url`. */
  up: [url: string];
  /** The running Janus died or stopped answering (it is being restarted). */
  down: [reason: string];
  /** Restarts failed too often in a row: no more attempts. */
  failed: [];
};

export interface JanusSupervisorOptions {
  binary: string;
  /** util-linux `setpriv`, when available: ties Janus's life to the server process. */
  setpriv?: string | undefined;
  /** Config folder (written by the supervisor). */
  dir: string;
  config: Omit<JanusConfigOptions, 'wsPort'>;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** First restart delay (default 500 ms), doubled per consecutive failure up to `maxBackoffMs` (default 10 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Consecutive failed starts before giving up (default 8). */
  maxFailures?: number;
  healthIntervalMs?: number;
}

const STARTUP_TIMEOUT_MS = 10_000;

/** A free TCP port on 127.0.0.1 (bind 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class JanusSupervisor extends SafeEmitter<JanusSupervisorEvents> {
  #state: SupervisorState = 'stopped';
  #child: ChildProcess | undefined;
  #probe: JanusClient | undefined;
  #health: NodeJS.Timeout | undefined;
  #restart: NodeJS.Timeout | undefined;
  #failures = 0;
  #url = '';
  readonly #options: JanusSupervisorOptions;
  readonly #killOnExit = () => this.#child?.kill('SIGKILL');

  constructor(options: JanusSupervisorOptions) {
    super((event, error) => options.logger.warn({ err: error, event }, 'janus supervisor listener threw'));
    this.#options = options;
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** The WebSocket URL while up. */
  get url(): string | undefined {
    return this.#state === 'up' ? this.#url : undefined;
  }

  start(): void {
    if (this.#state !== 'stopped') return;
    this.#move('start');
    process.once('exit', this.#killOnExit);
    void this.#launch();
  }

  async stop(): Promise<void> {
    this.#move('stop');
    clearTimeout(this.#restart);
    clearInterval(this.#health);
    this.#probe?.close();
    process.off('exit', this.#killOnExit);
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      clearTimeout(timer);
    }
  }

  #move(event: SupervisorEvent): void {
    this.#state = SUPERVISOR_MACHINE.next(this.#state, event);
  }

  /** In `starting`: spawns Janus and waits until its WebSocket API answers. */
  async #launch(): Promise<void> {
    const wsPort = await freePort();
    if (this.#state !== 'starting') return; // stopped meanwhile
    const configPath = writeJanusConfig(this.#options.dir, { ...this.#options.config, wsPort });
    this.#url = `ws://127.0.0.1:${wsPort}/`;
    const args = ['-F', this.#options.dir, '-C', configPath, '-o', '-L', join(this.#options.dir, 'janus.log')];
    // With setpriv, Janus gets SIGKILL when the server dies, even by SIGKILL (no orphaned Janus).
    const child = this.#options.setpriv
      ? spawn(this.#options.setpriv, ['--pdeathsig', 'SIGKILL', '--', this.#options.binary, ...args], { stdio: 'ignore' })
      : spawn(this.#options.binary, args, { stdio: 'ignore' });
    this.#child = child;
    child.once('error', (error) => this.#died(child, `spawn failed: ${error.message}`));
    child.once('exit', (code, signal) => this.#died(child, `exited (${signal ?? code})`));
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (this.#child === child && this.#state === 'starting' && Date.now() < deadline) {
      try {
        this.#probe = await JanusClient.connect(this.#url, { timeoutMs: 2000, apiSecret: this.#options.config.apiSecret });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (this.#child !== child || this.#state !== 'starting') return;
    if (!this.#probe?.isOpen) {
      child.kill('SIGKILL'); // no answer: its exit moves us on
      return;
    }
    this.#move('answered');
    this.#options.logger.info({ url: this.#url, pid: child.pid }, 'janus up');
    const probe = this.#probe;
    this.#health = setInterval(() => {
      probe.info().catch(() => {
        this.#options.logger.warn({ pid: child.pid }, 'janus health check failed; killing it');
        child.kill('SIGKILL');
      });
    }, this.#options.healthIntervalMs ?? 10_000);
    this.#health.unref();
    const stableTimer = setTimeout(() => {
      if (this.#child === child) this.#failures = 0;
    }, 30_000);
    stableTimer.unref();
    this.emit('up', this.#url);
  }

  /** The current child died (exit, spawn error, or killed after a failed check). */
  #died(child: ChildProcess, reason: string): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    clearInterval(this.#health);
    this.#probe?.close();
    this.#probe = undefined;
    if (this.#state !== 'starting' && this.#state !== 'up') return;
    const wasUp = this.#state === 'up';
    this.#failures += 1;
    this.#options.logger.warn({ reason, failures: this.#failures }, 'janus down');
    if (this.#failures > (this.#options.maxFailures ?? 8)) {
      this.#move('exhausted');
      if (wasUp) this.emit('down', reason);
      this.emit('failed');
      return;
    }
    this.#move('died');
    if (wasUp) this.emit('down', reason);
    const delay = Math.min((this.#options.backoffMs ?? 500) * 2 ** (this.#failures - 1), this.#options.maxBackoffMs ?? 10_000);
    this.#restart = setTimeout(() => {
      this.#move('retry');
      void this.#launch();
    }, delay);
    this.#restart.unref();
  }
}
