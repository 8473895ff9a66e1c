/**
 * Issue 12 item 3: the SDK as npm packages under RongCloud's names. Packs the tarballs, installs them
 * as `@rongcloud/engine`, `@rongcloud/imlib-next`, `@rongcloud/plugin-rtc`, `@rongcloud/plugin-call`
 * into a temp app (`npm install --offline`, no network), type-checks the seed's TypeScript samples
 * and the e2e call page in strict mode, bundles the page with esbuild, checks that bundlers tree-shake
 * the packages, and loads them through both their ESM and CJS entries. The bundled page's call runs in tests/e2e/npm-packages.e2e.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, type NpmApp, packAndInstall, RONGCLOUD_ALIASES, typeCheck } from '../helpers/npm-app.js';

let base: string;
let app: NpmApp;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'opencall-npm-'));
  app = packAndInstall(base);
}, 300_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

function manifestOf(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8'));
}

describe('the SDK npm packages, installed under the @rongcloud/* names', () => {
  it('each package is publishable: ESM + CJS + .d.ts through exports, side-effect free, versioned, licensed, no TypeScript sources', () => {
    for (const [alias, name] of Object.entries(RONGCLOUD_ALIASES)) {
      const manifest = manifestOf(alias);
      expect(manifest).toMatchObject({
        name,
        license: 'Apache-2.0',
        sideEffects: false,
        exports: { '.': { types: './dist/types/index.d.ts', import: './dist/esm/index.js', require: './dist/index.cjs' } },
      });
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.private).toBeUndefined();
      const files = execFileSync('find', [join(app.dir, 'node_modules', alias), '-name', '*.ts', '-not', '-name', '*.d.ts'], {
        encoding: 'utf8',
      });
      expect(files.trim(), `${alias} ships TypeScript sources`).toBe('');
    }
  });

  it('the seed samples and the call page type-check in strict mode', () => {
    expect(typeCheck(app).trim()).toBe('');
  }, 180_000);

  it('the call page bundles with esbuild into one browser script', async () => {
    const page = await bundlePage(app);
    const code = readFileSync(page, 'utf8');
    expect(code).toContain('window.npmApp');
    expect(code).not.toMatch(/\brequire\(["']@(rongcloud|opencall)\//);
  });

  it('tree-shakes: an app importing one enum bundles a few hundred bytes, not the SDK', async () => {
    const entry = join(app.dir, 'one-enum.ts');
    writeFileSync(
      entry,
      "import { RCCallErrorCode } from '@rongcloud/plugin-call';\nimport { LogLevel } from '@rongcloud/engine';\nconsole.log(RCCallErrorCode.SUCCESS, LogLevel.WARN);\n",
    );
    const result = await build({
      absWorkingDir: app.dir,
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const bytes = result.outputFiles[0]?.contents.length ?? Number.POSITIVE_INFINITY;
    expect(bytes, 'minified bytes of a bundle using two enums').toBeLessThan(4096);
  });

  it('the seed import forms resolve at run time through both ESM and CJS entries', () => {
    const probe = [
      "const imlib = await import('@rongcloud/imlib-next');",
      "const { installer: rtcInstaller, RCRTCClient } = await import('@rongcloud/plugin-rtc');",
      "const { installer: callInstaller, RCCallClient, RCCallErrorCode } = await import('@rongcloud/plugin-call');",
      "const engine = await import('@rongcloud/engine');",
      "const { createRequire } = await import('node:module');",
      "const cjs = createRequire(import.meta.url)('@rongcloud/plugin-call');",
      "const callPlus = await import('@rongcloud/plugin-call-plus');",
      "const wrapper = await import('@rongcloud/plugin-call-plus/wrapper');",
      "const cjsWrapper = createRequire(import.meta.url)('@rongcloud/plugin-call-plus/wrapper');",
      'console.log(JSON.stringify({ init: typeof imlib.init, installPlugin: typeof imlib.installPlugin, rtc: typeof rtcInstaller.setup,',
      '  rtcClient: typeof RCRTCClient, call: typeof callInstaller.setup, callClient: typeof RCCallClient, success: RCCallErrorCode.SUCCESS,',
      '  statistics: engine.LogLevel.STATISTICS, cjsSuccess: cjs.RCCallErrorCode.SUCCESS,',
      '  callPlus: typeof callPlus.installer.setup, callPlusVideo: callPlus.RCCallPlusMediaType.VIDEO, wrapper: typeof wrapper.installer.setup,',
      '  cjsWrapper: typeof cjsWrapper.installer.setup }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: app.dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(output)).toEqual({
      init: 'function',
      installPlugin: 'function',
      rtc: 'function',
      rtcClient: 'function',
      call: 'function',
      callClient: 'function',
      success: 10000,
      statistics: 6,
      cjsSuccess: 10000,
      callPlus: 'function',
      callPlusVideo: 2,
      wrapper: 'function',
      cjsWrapper: 'function',
    });
    expect(existsSync(join(app.dir, 'node_modules/@rongcloud/imlib-next/dist/index.cjs'))).toBe(true);
  });
});
