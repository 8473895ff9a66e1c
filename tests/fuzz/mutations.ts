/**
 * fast-check arbitraries for protocol fuzzing: structured mutations of valid JSON objects (drop a
 * field, retype it, oversize it, add unknown or prototype keys, change the discriminator) and raw
 * text corruptions, plus arbitrary strings and JSON.
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Lengths just past the protocol's limits, and one past the frame limit. */
const OVERSIZE_LENGTHS = [65, 129, 257, 1025, 1100, 48 * 1024 + 1, 70_000] as const;
const ODD_NUMBERS = [-1, 0.5, 1e300, -0, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 499, 500, 3] as const;
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'rid', 't', 'type', ''] as const;

export type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'retype'; at: number; value: Json }
  | { op: 'oversize'; at: number; length: number }
  | { op: 'number'; at: number; value: number }
  | { op: 'addKey'; at: number; key: string; value: Json }
  | { op: 'emptyArray'; at: number }
  | { op: 'bigArray'; at: number; length: number }
  | { op: 'discriminator'; value: string };

function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function getAt(root: Json, path: Path): Json {
  let node: Json = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key] as Json;
  return node;
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else {
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** Applies `mutations` to a deep copy of `seed`. */
export function mutate(seed: unknown, mutations: readonly Mutation[]): Json {
  let root = structuredClone(seed) as Json;
  for (const m of mutations) {
    if (m.op === 'discriminator') {
      if (root !== null && typeof root === 'object' && !Array.isArray(root)) {
        const key = 't' in root ? 't' : 'type';
        root[key] = m.value;
      }
      continue;
    }
    const all = paths(root);
    const path = all[m.at % all.length]!;
    const current = getAt(root, path);
    switch (m.op) {
      case 'drop':
        root = setAt(root, path, undefined);
        break;
      case 'retype':
        root = setAt(root, path, m.value);
        break;
      case 'oversize':
        root = setAt(root, path, typeof current === 'string' && current.length > 0 ? current[0]!.repeat(m.length) : 'x'.repeat(m.length));
        break;
      case 'number':
        root = setAt(root, path, m.value);
        break;
      case 'addKey':
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) setAt(current, [m.key], m.value);
        break;
      case 'emptyArray':
        root = setAt(root, path, []);
        break;
      case 'bigArray': {
        // Repeating a short leaf keeps inputs bounded (≤ ~70 KB); whole subtrees or long strings would multiply.
        const leaf = current !== null && typeof current === 'object' ? 0 : typeof current === 'string' ? current.slice(0, 64) : current;
        root = setAt(
          root,
          path,
          Array.from({ length: m.length }, () => leaf),
        );
        break;
      }
    }
  }
  return root;
}

const at = fc.nat({ max: 10_000 });
const smallJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

/** One mutation; `discriminators` are the names tried for `t` / `type`. */
export function mutationArb(discriminators: readonly string[]): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ op: fc.constant('drop' as const), at }),
    fc.record({ op: fc.constant('retype' as const), at, value: smallJson }),
    fc.record({ op: fc.constant('oversize' as const), at, length: fc.constantFrom(...OVERSIZE_LENGTHS) }),
    fc.record({
      op: fc.constant('number' as const),
      at,
      value: fc.oneof(fc.constantFrom(...ODD_NUMBERS), fc.integer(), fc.double({ noNaN: true })),
    }),
    fc.record({
      op: fc.constant('addKey' as const),
      at,
      key: fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 8 })),
      value: smallJson,
    }),
    fc.record({ op: fc.constant('emptyArray' as const), at }),
    fc.record({ op: fc.constant('bigArray' as const), at, length: fc.constantFrom(2, 65, 1001) }),
    fc.record({
      op: fc.constant('discriminator' as const),
      value: fc.oneof(fc.constantFrom(...discriminators), fc.string({ maxLength: 12 })),
    }),
  );
}

/** Text-level damage to an encoded frame. */
export type TextDamage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; text: string };

export const textDamageArb: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at, text: fc.string({ minLength: 1, maxLength: 3 }) }) },
);

export function damage(text: string, d: TextDamage): string {
  if (d.kind === 'none') return text;
  const i = d.at % (text.length + 1);
  return d.kind === 'truncate' ? text.slice(0, i) : text.slice(0, i) + d.text + text.slice(i);
}

/**
 * Text of an input frame: a mutated valid frame (most), arbitrary JSON, or an arbitrary string.
 * `seeds` are valid frames; `discriminators` the type names of the union.
 */
export function frameTextArb(seeds: readonly unknown[], discriminators: readonly string[]): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutationArb(discriminators), { minLength: 0, maxLength: 3 }), textDamageArb)
    .map(([seed, ms, d]) => damage(JSON.stringify(mutate(seed, ms)), d));
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 64, unit: 'binary' }) },
  );
}
