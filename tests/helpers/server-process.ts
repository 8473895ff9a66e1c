/**
 * Starts the REAL OpenCall server (`node --import tsx packages/server/src/main.ts`) on a free
 * loopback port with a fresh data dir, for integration tests. Every started process is killed when
 * the test process exits, even if a test forgets `stop()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
// Generous: a loaded 2-core CI machine has taken over 15 s to compile and start the server (tsx) once.
const STARTUP_TIMEOUT_MS = 40_000;
const STOP_GRACE_MS = 5_000;
const MAX_LOG_CHARS = 1_000_000;

export const TEST_APP_KEY = 'testappkey0001';
export const TEST_APP_SECRET = 'test-app-secret-0001';

export interface ServerProcessOptions {
  /** Extra environment (overrides the defaults below). */
  env?: Record<string, string>;
  /** Use this data dir (kept on stop) instead of a fresh temp dir (removed on stop). */
  dataDir?: string;
}

export interface SignedReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test helper; callers assert on the JSON shape.
  body: any;
}

export interface ServerProcess {
  url: string;
  appKey: string;
  appSecret: string;
  dataDir: string;
  /** The server's process id (to watch its memory from outside, e.g. `/proc/<pid>/status`). */
  pid: number;
  /** POST a form (repeated keys as arrays) to the server API, signed with the app secret (v2 when the server requires it). */
  signedPost(path: string, form: Record<string, string | string[]>): Promise<SignedReply>;
  /** `/user/getToken.json` for `userId`; throws unless code 200. */
  getToken(userId: string): Promise<string>;
  /** SIGTERM, then SIGKILL after 5 s; removes a temp data dir. */
  stop(): Promise<void>;
  /** Send a signal (e.g. SIGKILL to simulate a crash) and wait for the process to exit. Keeps the data dir. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Send a signal without waiting for anything (SIGSTOP / SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Encodes a form with repeated keys for arrays. */
export function encodeForm(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  return params.toString();
}

/** A fresh nonce for every signed request (64 random bits, 16 hex characters: within RongCloud's 18). */
export function freshNonce(): string {
  return randomBytes(8).toString('hex');
}

/** The four RongCloud signing headers for `appKey` / `appSecret` (timestamp in seconds, fresh nonce). */
export function signingHeaders(
  appKey: string,
  appSecret: string,
  timestamp = String(Math.floor(Date.now() / 1000)),
  nonce = freshNonce(),
): Record<string, string> {
  const signature = createHash('sha1')
    .update(appSecret + nonce + timestamp)
    .digest('hex');
  return { 'App-Key': appKey, Nonce: nonce, Timestamp: timestamp, Signature: signature };
}

/** What a version-2 signature covers besides the headers. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/user/getToken.json?x=1`. */
  path: string;
  body: string;
}

/**
 * OpenCall signature version 2: `X-OpenCall-Signature-Version: 2` and Signature = hex
 * HMAC-SHA256(secret, `nonce\ntimestamp\nMETHOD\npath?query\nhex(sha256(body))`) — the README's recipe.
 */
export function signingHeadersV2(
  appKey: string,
  appSecret: string,
  request: SignedRequest,
  timestamp = String(Math.floor(Date.now() / 1000)),
  nonce = freshNonce(),
): Record<string, string> {
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const signature = createHmac('sha256', appSecret)
    .update(`${nonce}\n${timestamp}\n${request.method.toUpperCase()}\n${request.path}\n${bodyHash}`)
    .digest('hex');
  return { 'App-Key': appKey, Nonce: nonce, Timestamp: timestamp, Signature: signature, 'X-OpenCall-Signature-Version': '2' };
}

/** Reads a reply as JSON when possible, else as text. */
export async function readReply(response: Response): Promise<SignedReply> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffered = '';
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { url?: unknown };
          // The server's own URL; other log lines carry URLs too (`janus up` has Janus's ws:// one).
          if (typeof entry.url === 'string' && /^https?:\/\//.test(entry.url)) {
            cleanup();
            resolvePromise(entry.url);
            return;
          }
        } catch {
          // not a JSON log line
        }
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`server exited during startup (code ${code}, signal ${signal}):\n${output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`server did not report its url within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`));
    }, STARTUP_TIMEOUT_MS);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

/** Spawns the server and resolves once it listens. */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  installExitHook();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'opencall-it-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    OPENCALL_DATA_DIR: dataDir,
    OPENCALL_APP_KEY: TEST_APP_KEY,
    OPENCALL_APP_SECRET: TEST_APP_SECRET,
    // Tests that need Janus ask for it (OPENCALL_SFU=auto); others must not each spawn one.
    OPENCALL_SFU: 'off',
    ...options.env,
  };
  const appKey = env.OPENCALL_APP_KEY ?? TEST_APP_KEY;
  const appSecret = env.OPENCALL_APP_SECRET ?? TEST_APP_SECRET;

  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  const cleanupDataDir = () => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await waitForUrl(child, () => output);
  } catch (error) {
    await stopChild(child);
    cleanupDataDir();
    throw error;
  }

  // A server that refuses RongCloud signatures gets version 2 ones.
  const v2 = env.OPENCALL_API_REQUIRE_SIGNATURE_V2 === '1';
  const signedPost = async (path: string, form: Record<string, string | string[]>): Promise<SignedReply> => {
    const body = encodeForm(form);
    const headers = v2 ? signingHeadersV2(appKey, appSecret, { method: 'POST', path, body }) : signingHeaders(appKey, appSecret);
    const response = await fetch(url + path, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return readReply(response);
  };

  return {
    url,
    appKey,
    appSecret,
    dataDir,
    pid: child.pid ?? 0,
    signedPost,
    async getToken(userId) {
      const reply = await signedPost('/user/getToken.json', { userId, name: userId });
      if (reply.status !== 200 || reply.body?.code !== 200 || typeof reply.body.token !== 'string') {
        throw new Error(`getToken(${userId}) failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      return reply.body.token as string;
    },
    async stop() {
      await stopChild(child);
      cleanupDataDir();
    },
    kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolvePromise) => {
        child.once('exit', () => resolvePromise());
        child.kill(signal);
      });
    },
    signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    logs: () => output,
  };
}
