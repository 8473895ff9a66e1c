#!/usr/bin/env node
/**
 * Builds the publishable npm packages of the SDK and packs them into tarballs:
 * ESM (`dist/esm/`, one file per module) + CJS (`dist/index.cjs`, bundled) builds of each package's
 * `src/index.ts` (other packages stay imports), `.d.ts` from `tsc` declaration emit, and a package.json with an `exports`
 * map, `sideEffects: false`, version and license. Consumers need no TypeScript sources.
 *
 *   node scripts/pack-sdk.mjs [--out <dir>]     (default dist/npm; tarballs land in <dir>/)
 *
 * Apps keep their RongCloud imports with npm aliases, e.g.
 * `"@rongcloud/plugin-call": "npm:@opencall/call@<version>"` (README: Migrating from RongCloud).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : resolve(root, 'dist/npm');
// Staged inside the repo so the emitted `.d.ts` resolve third-party types (zod) from its node_modules.
const stageDir = join(root, '.tmp', `pack-sdk-stage-${process.pid}`);

/** The publishable SDK packages; `description` goes into the published package.json. */
const SDK_PACKAGES = [
  {
    dir: 'packages/protocol',
    description: 'OpenCall wire protocol: enums, codes and frame schemas shared by the SDK packages',
    entries: { '.': 'index', './client': 'client' },
  },
  { dir: 'packages/engine', description: 'Drop-in for @rongcloud/engine: RongCloud engine enums, EventEmitter and type checks' },
  {
    dir: 'packages/imlib',
    description: 'Drop-in for @rongcloud/imlib-next (IMLib 5, with IMLib 4.x / 2.x adapters) on an OpenCall server',
  },
  { dir: 'packages/rtc', description: 'Drop-in for @rongcloud/plugin-rtc (RTCLib 5) on an OpenCall server' },
  { dir: 'packages/call', description: 'Drop-in for @rongcloud/plugin-call (CallLib Web 5.x) on an OpenCall server' },
  {
    dir: 'packages/callplus',
    description: 'CallPlus client and the CallPlus wrapper (CallLib API on CallPlus) on an OpenCall server',
    entries: { '.': 'index', './wrapper': 'wrapper/index' },
  },
  { dir: 'packages/callkit', description: 'CallKit for the web: call screens as custom elements on the CallLib Web 5.x API' },
];

/** A package's entry points: export path → source module under `src/` (without `.ts`). */
const entriesOf = (pkg) => Object.entries(pkg.entries ?? { '.': 'index' });

const LICENSE = 'Apache-2.0';
const readManifest = (dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
const sdkNames = new Map(SDK_PACKAGES.map((p) => [readManifest(p.dir).name, p.dir]));

/** Runtime dependencies of a package: its declared ones, with SDK packages pinned to their version. */
function dependenciesOf(manifest) {
  const deps = {};
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    deps[name] = sdkNames.has(name) ? readManifest(sdkNames.get(name)).version : range;
  }
  return deps;
}

/** The package.json consumers see: built files only, ESM and CJS through `exports` (one entry per export path). */
function publishedManifest(manifest, pkg) {
  const exportsMap = {};
  for (const [path, module] of entriesOf(pkg)) {
    exportsMap[path] = { types: `./dist/types/${module}.d.ts`, import: `./dist/esm/${module}.js`, require: `./dist/${module}.cjs` };
  }
  return {
    name: manifest.name,
    version: manifest.version,
    description: pkg.description,
    license: LICENSE,
    type: 'module',
    main: './dist/index.cjs',
    module: './dist/esm/index.js',
    types: './dist/types/index.d.ts',
    exports: { ...exportsMap, './package.json': './package.json' },
    sideEffects: false,
    files: ['dist'],
    dependencies: dependenciesOf(manifest),
  };
}

/**
 * CJS: one bundled `dist/index.cjs`. ESM: one `dist/esm/*.js` per source module that `src/index.ts`
 * reaches (found from the CJS build), so that with `sideEffects: false` an app's bundler drops every
 * module it does not use (e.g. importing an enum does not pull in the zod frame schemas).
 */
async function bundle(pkg, target) {
  const { dir } = pkg;
  const common = { absWorkingDir: root, platform: 'neutral', target: 'es2020', sourcemap: true, legalComments: 'none', logLevel: 'silent' };
  const modules = new Set();
  for (const [, module] of entriesOf(pkg)) {
    const cjs = await build({
      ...common,
      entryPoints: [join(root, dir, `src/${module}.ts`)],
      bundle: true,
      packages: 'external',
      format: 'cjs',
      outfile: join(target, `dist/${module}.cjs`),
      metafile: true,
    });
    for (const input of Object.keys(cjs.metafile.inputs)) if (input.startsWith(`${dir}/src/`)) modules.add(input);
  }
  await build({
    ...common,
    entryPoints: [...modules].map((m) => join(root, m)),
    bundle: false,
    format: 'esm',
    outbase: join(root, dir, 'src'),
    outdir: join(target, 'dist/esm'),
  });
}

/**
 * `.d.ts` for every file the packages' `src/index.ts` reach, in one `tsc` run (imports of other SDK
 * packages keep their `@opencall/*` specifiers), copied into each staged package's `dist/types`.
 */
function emitDeclarations() {
  const typesDir = join(stageDir, 'types');
  const tsconfig = join(stageDir, 'tsconfig.declarations.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        declaration: true,
        emitDeclarationOnly: true,
        noEmit: false,
        rootDir: join(root, 'packages'),
        outDir: typesDir,
        // Browser packages: their declarations must not need Node's types.
        types: [],
      },
      files: SDK_PACKAGES.flatMap((p) => entriesOf(p).map(([, module]) => join(root, p.dir, `src/${module}.ts`))),
    }),
  );
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`pack-sdk: declaration emit failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
  for (const { dir } of SDK_PACKAGES) {
    cpSync(join(typesDir, relative('packages', dir), 'src'), join(stageDir, relative('packages', dir), 'dist/types'), { recursive: true });
  }
}

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(stageDir, { recursive: true });
mkdirSync(outDir, { recursive: true });

emitDeclarations();
const packed = [];
for (const pkg of SDK_PACKAGES) {
  const { dir, description } = pkg;
  const manifest = readManifest(dir);
  const target = join(stageDir, relative('packages', dir));
  mkdirSync(target, { recursive: true });
  await bundle(pkg, target);
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(publishedManifest(manifest, pkg), null, 2)}\n`);
  writeFileSync(
    join(target, 'README.md'),
    `# ${manifest.name}\n\n${description}.\n\nPart of OpenCall; see the project README, section "Migrating from RongCloud".\n`,
  );
  const file = execFileSync('npm', ['pack', '--pack-destination', outDir, '--loglevel=error'], { cwd: target, encoding: 'utf8' }).trim();
  packed.push({ name: manifest.name, file: join(outDir, file.split('\n').pop()) });
}
rmSync(stageDir, { recursive: true, force: true });

for (const p of packed) console.log(`${p.name.padEnd(20)} ${relative(root, p.file)}`);
console.log(`packed ${packed.length} packages into ${relative(root, outDir) || outDir}/ in ${Math.round(performance.now() - started)} ms`);
if (readdirSync(outDir).filter((f) => f.endsWith('.tgz')).length !== SDK_PACKAGES.length) process.exit(1);
