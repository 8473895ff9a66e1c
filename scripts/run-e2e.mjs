#!/usr/bin/env node
/**
 * Builds the SDK bundles, then runs the browser e2e tests (Vitest project `e2e`) inside a fresh network
 * namespace, so WebRTC media can only use loopback: `unshare -n -- sh -c 'ip link set lo up && vitest run --project e2e'`.
 * Extra arguments are passed to Vitest (e.g. a file filter or `--reporter=json`).
 * A global watchdog kills the whole process group if the run overruns (env E2E_WATCHDOG_MS, default 20 min).
 *
 *   node scripts/run-e2e.mjs [vitest args...]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const watchdogMs = Number(process.env.E2E_WATCHDOG_MS) || 20 * 60_000;

function fail(message) {
  console.error(`run-e2e: ${message}`);
  process.exit(1);
}

if (process.getuid?.() !== 0) fail('must run as root (it needs `unshare -n` to create a network namespace)');
for (const tool of ['ip', 'unshare']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
    fail(`\`${tool}\` not found: apt-get install -y ${tool === 'ip' ? 'iproute2' : 'util-linux'}`);
  }
}
const vitest = resolve(root, 'node_modules/.bin/vitest');
if (!existsSync(vitest)) fail('node_modules/.bin/vitest not found: run `npm ci` first');
if (!existsSync('/usr/bin/chromium')) fail('/usr/bin/chromium not found: apt-get install -y chromium');

// The pages load /sdk/*.js from dist/sdk: rebuild so the tests never run stale bundles (≈0.2 s).
if (spawnSync(process.execPath, [resolve(root, 'scripts/build-sdk.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) {
  console.error('run-e2e: WARNING: the SDK build failed; tests that load the SDK will fail or use old bundles');
}

const script = 'ip link set lo up && exec "$0" run --project e2e "$@"';
const child = spawn('unshare', ['-n', '--', 'sh', '-c', script, vitest, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  detached: true, // own process group, so the watchdog can take down vitest, servers and browsers at once
});

function killGroup(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

const watchdog = setTimeout(() => {
  console.error(`run-e2e: watchdog: the e2e run exceeded ${watchdogMs} ms; killing it`);
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 5_000).unref();
}, watchdogMs);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killGroup(signal);
    setTimeout(() => killGroup('SIGKILL'), 5_000).unref();
  });
}

child.on('error', (error) => fail(`could not start unshare: ${error.message}`));
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  // Leftovers (a browser a crashed worker left behind) die with the group.
  killGroup('SIGKILL');
  if (signal) console.error(`run-e2e: e2e run ended by ${signal}`);
  process.exit(code ?? 1);
});
