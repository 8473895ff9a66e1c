/**
 * An app that installs the SDK from npm under RongCloud's names: packs the OpenCall tarballs
 * (scripts/pack-sdk.mjs), installs them into a temp folder as `@rongcloud/engine`,
 * `@rongcloud/imlib-next`, `@rongcloud/plugin-rtc`, `@rongcloud/plugin-call` (plus the `@opencall/*`
 * packages they depend on) with `npm install --offline` — no network — then type-checks the seed's
 * samples in strict mode and bundles tests/fixtures/npm-app/call-page.ts with esbuild.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = resolve(ROOT, 'tests/fixtures/npm-app');

/** RongCloud's package name → the OpenCall package it is an alias of. */
export const RONGCLOUD_ALIASES = {
  '@rongcloud/engine': '@opencall/engine',
  '@rongcloud/imlib-next': '@opencall/imlib',
  '@rongcloud/plugin-rtc': '@opencall/rtc',
  '@rongcloud/plugin-call': '@opencall/call',
  '@rongcloud/plugin-call-plus': '@opencall/callplus',
} as const;

export interface NpmApp {
  /** The temp app folder (package.json, node_modules, the fixtures). */
  dir: string;
  /** The tarballs, by OpenCall package name. */
  tarballs: Map<string, string>;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe', timeout: timeoutMs });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
}

/** The non-OpenCall runtime dependencies the tarballs declare. */
function thirdPartyDependencies(tarballs: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const file of tarballs.values()) {
    const manifest = JSON.parse(run('tar', ['-xzOf', file, 'package/package.json'], ROOT, 10_000)) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) if (!name.startsWith('@opencall/')) names.add(name);
  }
  return names;
}

/** `npm pack`s the SDK into `<base>/tarballs` and installs it into `<base>/app` under the RongCloud names. */
export function packAndInstall(base: string): NpmApp {
  const tarballDir = join(base, 'tarballs');
  run(process.execPath, [resolve(ROOT, 'scripts/pack-sdk.mjs'), '--out', tarballDir], ROOT, 240_000);
  const tarballs = new Map<string, string>();
  for (const file of readdirSync(tarballDir).filter((f) => f.endsWith('.tgz'))) {
    const short = /^opencall-(.+)-\d+\.\d+\.\d+.*\.tgz$/.exec(file)?.[1];
    if (short) tarballs.set(`@opencall/${short}`, join(tarballDir, file));
  }
  const dependencies: Record<string, string> = {};
  for (const [name, file] of tarballs) dependencies[name] = `file:${file}`;
  // Third-party dependencies (zod) come from the workspace's own node_modules, packed: no network.
  for (const name of thirdPartyDependencies(tarballs)) {
    const packed = run(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', tarballDir, '--loglevel=error'],
      resolve(ROOT, 'node_modules', name),
      60_000,
    );
    dependencies[name] = `file:${join(tarballDir, packed.trim().split('\n').pop() ?? '')}`;
  }
  for (const [alias, name] of Object.entries(RONGCLOUD_ALIASES)) {
    const file = tarballs.get(name);
    if (!file) throw new Error(`pack-sdk produced no tarball for ${name}`);
    dependencies[alias] = `file:${file}`;
  }
  const dir = join(base, 'app');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'rongcloud-app', private: true, type: 'module', dependencies }, null, 2));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir, 120_000);
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(dir, file));
  return { dir, tarballs };
}

/** Type-checks the app's .ts files (the seed samples and the call page) in strict mode; returns tsc's output. */
export function typeCheck(app: NpmApp): string {
  writeFileSync(
    join(app.dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2020',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: [],
        noEmit: true,
        skipLibCheck: false,
      },
      include: ['*.ts'],
    }),
  );
  return run(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(app.dir, 'tsconfig.json')], app.dir, 120_000);
}

/** Bundles call-page.ts into `page.js` (IIFE, browser); returns the bundle's path. */
export async function bundlePage(app: NpmApp): Promise<string> {
  const outfile = join(app.dir, 'page.js');
  await build({
    absWorkingDir: app.dir,
    entryPoints: [join(app.dir, 'call-page.ts')],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'silent',
  });
  return outfile;
}
