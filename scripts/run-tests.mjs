#!/usr/bin/env node
/**
 * `npm test`: every check, in order, each one run even if an earlier one failed:
 *   lint (biome) → typecheck (tsc) → SDK build → unit + integration tests → browser e2e tests.
 * Prints a summary and ends with the line `N passed, N failed`, counting each Vitest test (from its
 * JSON report) and each other step as one; exits non-zero if anything failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => resolve(root, 'node_modules/.bin', name);
const reportDir = resolve(root, '.tmp/test-reports');
mkdirSync(reportDir, { recursive: true });

/** Vitest writes its JSON report here, next to the normal console output. */
const jsonReport = (name) => {
  const file = resolve(reportDir, `${name}.json`);
  rmSync(file, { force: true });
  return { file, args: ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`] };
};

function run(command, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`cannot run ${command}: ${error.message}`);
      resolvePromise(1);
    });
    child.on('exit', (code, signal) => resolvePromise(signal ? 1 : (code ?? 1)));
  });
}

/** What the e2e step needs from Debian, by the file that shows it is installed. */
const E2E_PACKAGES = [
  { name: 'chromium', file: '/usr/bin/chromium' },
  { name: 'janus', file: '/usr/bin/janus' },
  { name: 'coturn', file: '/usr/bin/turnserver' },
  { name: 'iproute2', file: '/usr/sbin/ip' },
  // Cluster e2e tests start a private Redis and Postgres 15 in their network namespace (normally already here: the machine's services).
  { name: 'redis-server', file: '/usr/bin/redis-server' },
  { name: 'postgresql-15', file: '/usr/lib/postgresql/15/bin/postgres' },
];

/** Installs what the e2e step needs (Chromium, Janus, coturn, iproute2, Redis, Postgres) when missing (needs root and apt). */
function ensureE2ePackages() {
  const missing = E2E_PACKAGES.filter((p) => !existsSync(p.file) && !(p.name === 'iproute2' && existsSync('/usr/bin/ip')));
  if (missing.length === 0) return true;
  const names = missing.map((p) => p.name);
  if (process.getuid?.() !== 0) {
    console.error(`${names.join(', ')} missing and this is not root: apt-get install -y ${names.join(' ')}`);
    return false;
  }
  console.log(`installing ${names.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...names],
  ]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) return false;
  }
  return missing.every((p) => existsSync(p.file) || (p.name === 'iproute2' && existsSync('/usr/bin/ip')));
}

function readVitestCounts(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    // A file that fails outside any test (import error, failing hook) has no failed test; count it once.
    const brokenFiles = (report.testResults ?? []).filter(
      (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
    ).length;
    const failures = [];
    for (const testFile of report.testResults ?? []) {
      const where = relative(root, testFile.name ?? '');
      const failedTests = (testFile.assertionResults ?? []).filter((test) => test.status === 'failed');
      if (testFile.status === 'failed' && failedTests.length === 0)
        failures.push({ where, title: '(file failed outside any test)', message: testFile.message ?? '' });
      for (const test of failedTests)
        failures.push({ where, title: test.fullName ?? test.title, message: (test.failureMessages ?? []).join('\n') });
    }
    return {
      failures,
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + brokenFiles,
      skipped: report.numPendingTests ?? 0,
    };
  } catch {
    return null;
  }
}

const unitReport = jsonReport('unit-integration');
const e2eReport = jsonReport('e2e');
const steps = [
  { name: 'lint', command: bin('biome'), args: ['check', '.'] },
  { name: 'typecheck', command: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'typecheck bench', command: bin('tsc'), args: ['-p', 'bench/tsconfig.json', '--noEmit'] },
  { name: 'build sdk', command: process.execPath, args: ['scripts/build-sdk.mjs'] },
  {
    name: 'unit + integration + fuzz',
    command: bin('vitest'),
    args: ['run', '--project', 'unit', '--project', 'integration', '--project', 'fuzz', ...unitReport.args],
    report: unitReport.file,
  },
  {
    name: 'e2e',
    command: process.execPath,
    args: ['scripts/run-e2e.mjs', ...e2eReport.args],
    report: e2eReport.file,
    before: ensureE2ePackages,
  },
];

const results = [];
for (const step of steps) {
  console.log(`\n━━━ ${step.name} ━━━`);
  const started = Date.now();
  const ready = step.before ? step.before() : true;
  const code = ready ? await run(step.command, step.args) : 1;
  const counts = step.report ? readVitestCounts(step.report) : null;
  results.push({ name: step.name, code, counts, seconds: (Date.now() - started) / 1000 });
}

let passed = 0;
let failed = 0;
console.log('\n━━━ summary ━━━');
for (const r of results) {
  let detail = '';
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    // A crash outside any test (e.g. a failing hook or a watchdog) still counts as a failure.
    if (r.code !== 0 && r.counts.failed === 0) failed += 1;
    detail = ` (${r.counts.passed} passed, ${r.counts.failed} failed${r.counts.skipped ? `, ${r.counts.skipped} skipped` : ''})`;
  } else if (r.code === 0) {
    passed += 1;
  } else {
    failed += 1;
  }
  console.log(`${r.code === 0 ? 'PASS' : 'FAIL'}  ${r.name.padEnd(20)} ${r.seconds.toFixed(1).padStart(6)} s${detail}`);
}
// CI shows only the tail of the output: name every failed test here, with the first lines of its error.
for (const r of results) {
  for (const failure of r.counts?.failures ?? []) {
    console.log(`\nFAILED ${r.name}: ${failure.where} > ${failure.title}`);
    const lines = failure.message
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(0, 6);
    for (const line of lines) console.log(`    ${line.slice(0, 300)}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
