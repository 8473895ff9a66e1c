/**
 * `npm run bench`: every scenario with its same-run baseline, then a table, one `METRIC` line per
 * figure, bench/results/latest.json and the generated section of docs/benchmarks.md.
 *
 *   npm run bench -- [--quick] [--only name[,name…]] [--profile] [--no-docs]
 *
 * `--only` also runs the scenarios whose baselines the chosen ones need. `--profile` writes CPU
 * profiles of the call-setup and throughput servers to bench/results/profiles/<scenario>/ and prints
 * their hottest functions (bench/lib/cpuprofile.ts).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { updateDoc } from './lib/doc.js';
import type { ScenarioResult } from './lib/metrics.js';
import { REPO_ROOT } from './lib/procs.js';
import { machineInfo, printReport, type RunRecord, writeJson } from './lib/report.js';
import { type Baselines, type Scenario, ScenarioSkipped } from './lib/scenario.js';
import { callSetup } from './scenarios/call-setup.js';
import { cluster } from './scenarios/cluster.js';
import { connections } from './scenarios/connections.js';
import { janusPeer } from './scenarios/janus.js';
import { mediaSetup } from './scenarios/media-setup.js';
import { rawTransport } from './scenarios/raw-transport.js';
import { recovery } from './scenarios/recovery.js';
import { sdkSize } from './scenarios/sdk-size.js';
import { sfu } from './scenarios/sfu.js';
import { sfuFanout } from './scenarios/sfu-fanout.js';
import { soak } from './scenarios/soak.js';
import { throughput } from './scenarios/throughput.js';

const SCENARIOS: Scenario[] = [
  sdkSize,
  rawTransport,
  janusPeer,
  callSetup,
  throughput,
  connections,
  mediaSetup,
  recovery,
  sfu,
  sfuFanout,
  soak,
  cluster,
];

function parseArgs(argv: string[]): { quick: boolean; only: string[]; profile: boolean; docs: boolean } {
  const only: string[] = [];
  let quick = false;
  let profile = false;
  let docs = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg === '--no-docs') docs = false;
    else if (arg === '--only') only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg.startsWith('--only=')) only.push(...arg.slice(7).split(',').filter(Boolean));
    else throw new Error(`unknown argument ${arg}; use --quick, --only <name,…>, --profile, --no-docs`);
  }
  const names = SCENARIOS.map((s) => s.name);
  for (const name of only) if (!names.includes(name)) throw new Error(`unknown scenario ${name}; known: ${names.join(', ')}`);
  return { quick, only, profile, docs };
}

/** The chosen scenarios plus what they need, in the canonical order. */
function selection(only: string[]): Scenario[] {
  if (only.length === 0) return SCENARIOS;
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const need of SCENARIOS.find((s) => s.name === name)?.needs ?? []) add(need);
  };
  for (const name of only) add(name);
  return SCENARIOS.filter((s) => wanted.has(s.name));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const chosen = selection(args.only);
  const baselines: Baselines = {};
  const results: ScenarioResult[] = [];
  const startedAt = new Date().toISOString();
  const profileDir = args.profile ? resolve(REPO_ROOT, 'bench/results/profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const runStarted = performance.now();
  console.log(`bench: ${chosen.map((s) => s.name).join(', ')}${args.quick ? ' (quick)' : ''}`);

  for (const [index, scenario] of chosen.entries()) {
    const label = `[${index + 1}/${chosen.length}] ${scenario.name}`;
    const progress = (message: string) => console.log(`${label}: ${message} (${((performance.now() - runStarted) / 1000).toFixed(1)} s)`);
    console.log(`${label}: ${scenario.title}`);
    const started = performance.now();
    try {
      const outcome = await scenario.run({ quick: args.quick, baselines, progress, ...(profileDir ? { cpuProfDir: profileDir } : {}) });
      const durationMs = Math.round(performance.now() - started);
      results.push({
        scenario: scenario.name,
        status: 'ok',
        durationMs,
        metrics: outcome.metrics,
        ...(outcome.details ? { details: outcome.details } : {}),
      });
      for (const m of outcome.metrics)
        console.log(`${label}:   ${m.name} = ${m.value} ${m.unit}${m.met === false ? '  (goal missed)' : ''}`);
      console.log(`${label}: done in ${(durationMs / 1000).toFixed(1)} s`);
    } catch (error) {
      const skipped = error instanceof ScenarioSkipped;
      const reason = skipped ? (error as Error).message : ((error as Error).stack ?? String(error)).slice(0, 1500);
      results.push({
        scenario: scenario.name,
        status: skipped ? 'skipped' : 'failed',
        reason,
        durationMs: Math.round(performance.now() - started),
        metrics: [],
      });
      console.log(`${label}: ${skipped ? 'SKIPPED' : 'FAILED'}: ${reason}`);
    }
  }

  const record: RunRecord = { startedAt, quick: args.quick, only: args.only, machine: machineInfo(), results };
  printReport(results);
  console.log(`\nwrote ${writeJson(record)}`);
  if (args.docs) console.log(`updated ${updateDoc(record)}`);
  if (profileDir) console.log(`CPU profiles in ${profileDir} (summarise: npx tsx bench/lib/cpuprofile.ts <file>)`);
  process.exit(results.some((r) => r.status === 'failed') ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
