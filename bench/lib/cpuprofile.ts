/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) by self time: per function, and per owner
 * (an npm package, one of our workspace packages, Node internals, GC, idle).
 *
 *   npx tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top=25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One row of the summary: self time in ms and its share of the busy (non-idle) time. */
export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  byFunction: ProfileRow[];
  byOwner: ProfileRow[];
}

/** Who a frame belongs to: `npm:<package>`, `@opencall/<package>`, `node:internal`, or a V8 pseudo-frame. */
export function ownerOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const ours = /\/(packages|apps)\/([^/]+)\/src\/(.*)$/.exec(url);
  if (ours) return `@opencall/${ours[2]}/${(ours[3] ?? '').split('/').slice(0, -1).join('/') || '.'}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const src = /\/((packages|apps|bench)\/.*)$/.exec(url);
  return src?.[1] ?? url;
}

/** Self time per function and per owner, idle excluded from the shares. */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const key = `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const who = ownerOf(frame);
    owner.set(who, (owner.get(who) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, busyMs: busyUs / 1000, byFunction: rows(fn), byOwner: rows(owner) };
}

/** A printable summary of the profile file: owners, then the `top` hottest functions. */
export function formatProfileSummary(file: string, top = 25): string {
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const line = (r: ProfileRow) => `${r.selfMs.toFixed(1).padStart(9)} ms ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`;
  return [
    `${file}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled`,
    'self time by owner:',
    ...summary.byOwner.slice(0, 20).map(line),
    `hottest ${top} functions (self time):`,
    ...summary.byFunction.slice(0, top).map(line),
  ].join('\n');
}

/** The newest `.cpuprofile` of the main thread (`*.0.*.cpuprofile`) in `dir`, if any. */
export function newestMainThreadProfile(dir: string): string | undefined {
  let best: { file: string; mtime: number } | undefined;
  for (const name of readdirSync(dir)) {
    if (!/\.0\.\d+\.cpuprofile$/.test(name)) continue;
    const file = join(dir, name);
    const mtime = statSync(file).mtimeMs;
    if (!best || mtime > best.mtime) best = { file, mtime };
  }
  return best?.file;
}

/** After a profiled server stopped: print the summary of its profile in `dir` (top 15 functions). */
export function printNewestProfile(dir: string | undefined): void {
  if (!dir) return;
  const file = newestMainThreadProfile(dir);
  if (file) console.log(formatProfileSummary(file, 15));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfileSummary(file, top ? Number(top) : 25));
}
