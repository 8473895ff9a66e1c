/**
 * SDK build step (esbuild plugin): every TypeScript `enum` of the SDK packages becomes
 * `enumFromTable([name, value, …])` (packages/protocol/src/kernel/enum-table.ts), which builds the same
 * object at load time. TypeScript's output spells each name twice (`E[E.A = 1] = "A"`); the enum
 * tables (IM error codes, RCRTCCode, CallLib enums, RCEngine's legacy enums) are a large part of
 * RongIMLib.js, and this saves ≈1.4 KB gzip. Members must be literal numbers or single-quoted strings:
 * anything else fails the build. Equality with TypeScript's objects: kernel/enum-table.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const enumTableModule = resolve(root, 'packages/protocol/src/kernel/enum-table.ts');

/** The index just past the `}` closing the body that starts at `open` (a `{`), skipping comments and strings. */
function bodyEnd(source, open) {
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i + 2) + 1;
    else if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
    else if (c === "'" || c === '"') i = source.indexOf(c, i + 1);
    else if (c === '}') return i + 1;
    if (i <= 0) break;
  }
  throw new Error('compact-enums: unterminated enum body');
}

function membersOf(name, body) {
  const code = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  return code
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .flatMap((member) => {
      const match = /^([A-Za-z_$][\w$]*)\s*=\s*(-?\d+|'[^'\\]*')$/.exec(member);
      if (!match) throw new Error(`compact-enums: enum ${name}: member "${member}" is not NAME = literal`);
      const value = match[2].startsWith("'") ? match[2].slice(1, -1) : Number(match[2]);
      return [match[1], value];
    });
}

/** `source` with its enums as tables, and how many there were. */
export function compactEnums(source) {
  const declaration = /^(export )?enum ([A-Za-z_$][\w$]*) \{/gm;
  let out = '';
  let from = 0;
  let count = 0;
  for (let match = declaration.exec(source); match; match = declaration.exec(source)) {
    const open = match.index + match[0].length - 1;
    const end = bodyEnd(source, open);
    const table = membersOf(match[2], source.slice(open + 1, end - 1));
    out += `${source.slice(from, match.index)}${match[1] ?? ''}const ${match[2]} = /* @__PURE__ */ enumFromTable(${JSON.stringify(table)});`;
    from = end;
    declaration.lastIndex = end;
    count++;
  }
  if (count === 0) return { contents: source, count };
  return { contents: `import { enumFromTable } from ${JSON.stringify(enumTableModule)};\n${out}${source.slice(from)}`, count };
}

/** The esbuild plugin: SDK package sources (not tests) with their enums compacted. */
export const compactEnumsPlugin = {
  name: 'compact-enums',
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/][\w-]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!/^(export )?enum /m.test(source)) return undefined;
      return { contents: compactEnums(source).contents, loader: 'ts' };
    });
  },
};
