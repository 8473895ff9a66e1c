/** Output of a bench run: the table, the `METRIC` lines, bench/results/latest.json, docs/benchmarks.md. */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Metric, ScenarioResult } from './metrics.js';
import { REPO_ROOT } from './procs.js';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  janus?: string;
}

export function machineInfo(): MachineInfo {
  let kernel = '';
  try {
    kernel = execSync('uname -sr', { encoding: 'utf8' }).trim();
  } catch {}
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel,
  };
}

const fmt = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 10_000) / 10_000) : '-');
const verdict = (m: Metric) => (m.met === undefined ? '' : m.met ? 'met' : 'MISSED');

/** `METRIC <name> <value> <unit> baseline=<b> ratio=<r> goal=<g>`. */
export function metricLine(m: Metric): string {
  return `METRIC ${m.name} ${fmt(m.value)} ${m.unit} baseline=${fmt(m.baseline)} ratio=${fmt(m.ratio)} goal=${m.goal || '-'}`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)];
}

function rowsOf(results: ScenarioResult[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    if (r.status !== 'ok') {
      rows.push([r.scenario, `${r.status.toUpperCase()}: ${r.reason ?? ''}`.slice(0, 160), '', '', '', '', '']);
      continue;
    }
    for (const m of r.metrics) rows.push([m.name, fmt(m.value), m.unit, fmt(m.baseline), fmt(m.ratio), m.goal || '', verdict(m)]);
  }
  return rows;
}

const HEADER = ['metric', 'value', 'unit', 'baseline', 'ratio', 'goal', 'verdict'];

export function printReport(results: ScenarioResult[]): void {
  console.log('');
  for (const line of table(HEADER, rowsOf(results))) console.log(line);
  console.log('');
  for (const r of results) {
    if (r.status !== 'ok') console.log(`${r.status.toUpperCase()} ${r.scenario}: ${r.reason}`);
    for (const m of r.metrics) console.log(metricLine(m));
  }
}

export interface RunRecord {
  startedAt: string;
  quick: boolean;
  only: string[];
  machine: MachineInfo;
  results: ScenarioResult[];
}

export function writeJson(record: RunRecord): string {
  const file = resolve(REPO_ROOT, 'bench/results/latest.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  return file;
}

/** Table rows and notes of scenarios an `--only` run did not measure, kept from the previous section. */
export interface CarriedOver {
  rows: string[];
  notes: string[];
  /** Start time of the run they come from. */
  from?: string;
}

/** Parses a rendered table row back into its cells. */
const cellsOf = (row: string) =>
  row
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim());

/** The generated section of docs/benchmarks.md (between the markers). */
export function renderDocSection(record: RunRecord, kept: CarriedOver = { rows: [], notes: [] }): string {
  const m = record.machine;
  const lines = [
    `Run ${record.startedAt}${record.quick ? ' (`--quick`)' : ''}${record.only.length ? ` (--only ${record.only.join(',')})` : ''} on ` +
      `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.kernel}.` +
      (kept.rows.length > 0
        ? ` Rows of scenarios not in this run are kept from earlier runs (the previous section was the run of ${kept.from ?? 'an unknown date'}).`
        : ''),
    '',
    ...table(HEADER, [...rowsOf(record.results), ...kept.rows.map(cellsOf)]),
    '',
    'What each figure is:',
    '',
  ];
  for (const r of record.results) {
    for (const metric of r.metrics) if (metric.note) lines.push(`- \`${metric.name}\`: ${metric.note}.`);
    if (r.status !== 'ok') lines.push(`- \`${r.scenario}\` ${r.status}: ${r.reason}`);
  }
  lines.push(...kept.notes);
  return lines.join('\n');
}
