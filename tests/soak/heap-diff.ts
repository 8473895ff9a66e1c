/**
 * Diff of two V8 heap snapshots of one process by kind of object: per constructor (objects), per
 * function name (closures), per node type otherwise (strings, arrays, code…), the net change in count
 * and self size, and the objects allocated after the first snapshot that are still alive in the
 * second (node ids are stable within a process). Between a snapshot after warm-up and one at the end
 * of a soak, what is new and still alive in proportion to the lifecycles run is a leak.
 *
 *   tsx tests/soak/heap-diff.ts before.heapsnapshot after.heapsnapshot [rows]
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface KindCount {
  count: number;
  bytes: number;
}

export interface KindDelta {
  kind: string;
  /** Net change of the number of such objects. */
  count: number;
  /** Net change of their self size. */
  bytes: number;
  /** Allocated after the first snapshot and alive in the second. */
  newCount: number;
  newBytes: number;
}

/** Node kinds whose name says nothing useful (every string has its own text as name). */
const UNNAMED_TYPES = new Set(['string', 'concatenated string', 'sliced string', 'number', 'code', 'bigint', 'symbol']);

interface Snapshot {
  byKind: Map<string, KindCount>;
  /** Kind and self size of every node, by node id. */
  byId: Map<number, { kind: string; bytes: number }>;
}

function readSnapshot(file: string): Snapshot {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, idAt, sizeAt] = ['type', 'name', 'id', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
    number,
  ];
  const byKind = new Map<string, KindCount>();
  const byId = new Map<number, { kind: string; bytes: number }>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!] ?? '?';
    const kind = UNNAMED_TYPES.has(type) ? `(${type})` : `${type} ${(strings[nodes[i + nameAt]!] ?? '?').slice(0, 80)}`;
    const bytes = nodes[i + sizeAt]!;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += bytes;
    byKind.set(kind, entry);
    byId.set(nodes[i + idAt]!, { kind, bytes });
  }
  return { byKind, byId };
}

/** Kinds that changed between two snapshots of one process, most new bytes still alive first. */
export function diffSnapshots(before: string, after: string): KindDelta[] {
  const a = readSnapshot(before);
  const b = readSnapshot(after);
  const deltas = new Map<string, KindDelta>();
  const delta = (kind: string) => {
    let d = deltas.get(kind);
    if (!d) {
      d = { kind, count: 0, bytes: 0, newCount: 0, newBytes: 0 };
      deltas.set(kind, d);
    }
    return d;
  };
  for (const kind of new Set([...a.byKind.keys(), ...b.byKind.keys()])) {
    const [x, y] = [a.byKind.get(kind) ?? { count: 0, bytes: 0 }, b.byKind.get(kind) ?? { count: 0, bytes: 0 }];
    if (x.count !== y.count || x.bytes !== y.bytes) Object.assign(delta(kind), { count: y.count - x.count, bytes: y.bytes - x.bytes });
  }
  for (const [id, node] of b.byId) {
    if (a.byId.has(id)) continue;
    const d = delta(node.kind);
    d.newCount += 1;
    d.newBytes += node.bytes;
  }
  return [...deltas.values()].sort((p, q) => q.newBytes - p.newBytes || q.bytes - p.bytes);
}

/** The table `npm run soak` prints: the `rows` kinds with most new bytes alive, then the totals. */
export function formatDiff(deltas: readonly KindDelta[], rows = 25): string[] {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`.padStart(11);
  const lines = deltas
    .slice(0, rows)
    .map(
      (d) => `${kb(d.newBytes)} ${String(d.newCount).padStart(7)} new alive | net ${kb(d.bytes)} ${String(d.count).padStart(7)}  ${d.kind}`,
    );
  const sum = (pick: (d: KindDelta) => number) => deltas.reduce((n, d) => n + pick(d), 0);
  return [...lines, `${kb(sum((d) => d.newBytes))} new alive in all | net ${kb(sum((d) => d.bytes))}`];
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [before, after, rows] = process.argv.slice(2);
  if (!before || !after) {
    console.error('usage: tsx tests/soak/heap-diff.ts before.heapsnapshot after.heapsnapshot [rows]');
    process.exit(2);
  }
  for (const line of formatDiff(diffSnapshots(before, after), Number(rows ?? 25))) console.log(line);
}
