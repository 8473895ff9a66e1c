#!/usr/bin/env node
/**
 * Builds the browser SDK bundles into dist/sdk/ (IIFE globals `RongIMLib`, `RCRTC`, `RCCall`, `RCEngine`,
 * for CallPlus pages `CallPlus`, `CallPlusWrapper`, and the call screens `RCCallKit`), exactly the files the server serves under /sdk/.
 * Runs before every `npm start`, so it stays fast.
 *
 *   node scripts/build-sdk.mjs
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { compactEnumsPlugin } from './compact-enums.mjs';
import { esmToGlobal, postMinify } from './sdk-post-minify.mjs';
import { sdkZodAlias } from './sdk-zod-alias.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// `--out <dir>` builds elsewhere (the size-budget test uses a temp folder).
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : resolve(root, 'dist/sdk');

/**
 * The globals RongCloud's IMLib 2.x / 4.x / 5.x bundles create besides `RongIMLib`: `RCEngine` (the
 * engine's enums and EventEmitter) and, for IMLib 2.x pages, the bare `RongIMClient`.
 */
const rongIMLibExtraGlobals =
  'globalThis.RCEngine = RongIMLib.__opencall.engine;\n' +
  "if (typeof globalThis.RongIMClient === 'undefined') globalThis.RongIMClient = RongIMLib.RongIMClient;";

/**
 * One entry per bundle: the global it defines, the package entry, the output file name, whether it
 * reads the protocol module from RongIMLib.js, and code run after the bundle (extra globals).
 * Bundles use the SDK's small `zod/mini` (scripts/sdk-zod-alias.mjs) unless `fullZod` (Web Push, outside
 * the size budget, checks URLs).
 * RCEngine.js is optional for pages (RongIMLib.js creates `RCEngine` too) and outside the size budget.
 */
const bundles = [
  {
    globalName: 'RongIMLib',
    entry: 'packages/imlib/src/index.ts',
    file: 'RongIMLib.js',
    shareProtocol: false,
    footer: rongIMLibExtraGlobals,
  },
  { globalName: 'RCRTC', entry: 'packages/rtc/src/browser.ts', file: 'RCRTC.js', shareProtocol: true, footer: '' },
  { globalName: 'RCCall', entry: 'packages/call/src/index.ts', file: 'RCCall.js', shareProtocol: true, footer: '' },
  // CallPlus pages load RongIMLib.js, RCRTC.js, CallPlus.js and CallPlusWrapper.js (the last two instead of RCCall.js).
  { globalName: 'CallPlus', entry: 'packages/callplus/src/index.ts', file: 'CallPlus.js', shareProtocol: true, footer: '' },
  {
    globalName: 'CallPlusWrapper',
    entry: 'packages/callplus/src/wrapper/index.ts',
    file: 'CallPlusWrapper.js',
    shareProtocol: true,
    footer: '',
  },
  { globalName: 'RCEngine', entry: 'packages/engine/src/index.ts', file: 'RCEngine.js', shareProtocol: false, footer: '' },
  // Web Push (README "Web Push"): the opt-in page API and the service worker, outside the size budget.
  {
    globalName: 'RCCallWebPush',
    entry: 'packages/call/src/web-push/index.ts',
    file: 'RCCallWebPush.js',
    shareProtocol: false,
    footer: '',
    fullZod: true,
  },
  {
    globalName: 'OpenCallServiceWorker',
    entry: 'packages/call/src/web-push/service-worker.ts',
    file: 'opencall-sw.js',
    shareProtocol: false,
    footer: '',
    fullZod: true,
  },
  // CallKit (call screens) sits on the public RCCall / RCRTC / RongIMLib globals; it bundles only the machine kernel.
  { globalName: 'RCCallKit', entry: 'packages/callkit/src/index.ts', file: 'RCCallKit.js', shareProtocol: false, footer: '' },
];

/**
 * RCRTC, RCCall, CallPlus and CallPlusWrapper use the client part of the protocol (enums, codes, schemas,
 * `@opencall/protocol/client`) that RongIMLib.js already carries: instead of more copies they read RongIMLib's
 * (`RongIMLib.__opencall.protocol`), so the page must load RongIMLib.js first — as with RongCloud's own bundles.
 * The stand-in module re-exports exactly the client entry's names, so importing a value the client entry
 * lacks fails the build ("No matching export") instead of reading `undefined` in the browser; each is
 * read in a pure expression, so a bundle keeps only the names it uses.
 */
const clientProtocolEntry = 'packages/protocol/src/client.ts';

async function clientProtocolExports() {
  const probe = await build({
    absWorkingDir: root,
    entryPoints: [resolve(root, clientProtocolEntry)],
    bundle: true,
    format: 'esm',
    write: false,
    metafile: true,
    outdir: outDir,
    logLevel: 'silent',
  });
  return Object.values(probe.metafile.outputs).flatMap((output) => output.exports ?? []);
}

function sharedFromRongIMLib(exportNames) {
  return {
    name: 'shared-from-rongimlib',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^@opencall\/protocol(\/client)?$/ }, () => ({ path: 'protocol', namespace: 'rongimlib-shared' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'rongimlib-shared' }, () => ({
        contents:
          "var shared = typeof RongIMLib !== 'undefined' && RongIMLib.__opencall;\n" +
          "if (!shared) throw new Error('OpenCall: load RongIMLib.js before RCRTC.js, RCCall.js, CallPlus.js and CallPlusWrapper.js');\n" +
          'var protocol = shared.protocol;\n' +
          exportNames.map((name) => `export const ${name} = /* @__PURE__ */ (() => protocol.${name})();`).join('\n'),
        loader: 'js',
      }));
    },
  };
}

const missing = bundles.filter((b) => !existsSync(resolve(root, b.entry)));
if (missing.length > 0) {
  for (const b of missing) console.error(`build-sdk: cannot build ${b.file}: entry ${b.entry} does not exist yet`);
  process.exit(1);
}

const started = performance.now();
let results;
try {
  const sharedProtocol = sharedFromRongIMLib(await clientProtocolExports());
  results = await Promise.all(
    bundles.map(async (b) => {
      const outfile = resolve(outDir, b.file);
      const built = await build({
        absWorkingDir: root,
        entryPoints: [resolve(root, b.entry)],
        outfile,
        bundle: true,
        // An ES module, made into the script that defines the global by esmToGlobal (smaller than format 'iife').
        format: 'esm',
        platform: 'browser',
        // ES2022 (class fields, private methods, `??=`): Chrome/Edge 85, Firefox 90, Safari 15 (README "SDK size").
        // No class static blocks (Safari 16.4): esbuild moves static field assignments after the class.
        target: 'es2022',
        supported: { 'class-static-blocks': false },
        minify: true,
        sourcemap: 'linked',
        metafile: true,
        // Class fields are assigned in the constructor (TypeScript's classic semantics) instead of declared
        // as well (≈0.3 KB gzip): no SDK class shadows an accessor of its base with a field. (Given here,
        // esbuild reads no tsconfig.json: verbatimModuleSyntax is repeated from tsconfig.base.json.)
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
        legalComments: 'none',
        logLevel: 'silent',
        plugins: b.shareProtocol ? [sharedProtocol, compactEnumsPlugin] : [compactEnumsPlugin],
        alias: b.fullZod ? undefined : sdkZodAlias,
      });
      // A warning about code that made it into the bundle is a bug (e.g. a bundled schema using a constructor
      // zod-mini.ts lacks would read `undefined`); server-only modules parsed and then tree-shaken may warn.
      const inputs = Object.values(built.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
      const bundled = new Set(inputs.filter(([, input]) => input.bytesInOutput > 0).map(([file]) => file));
      const bad = built.warnings.filter((w) => !w.location || bundled.has(w.location.file));
      if (bad.length > 0) throw Object.assign(new Error(`${b.file}: build warnings`), { errors: bad });
      const script = esmToGlobal(readFileSync(outfile, 'utf8'), JSON.parse(readFileSync(`${outfile}.map`, 'utf8')), b.globalName, b.footer);
      const minified = postMinify(b.file, script.code, script.map, `${b.file}.map`);
      writeFileSync(outfile, minified.code);
      writeFileSync(`${outfile}.map`, JSON.stringify(minified.map));
      const code = readFileSync(outfile);
      return { file: b.file, globalName: b.globalName, raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
    }),
  );
} catch (error) {
  const errors = error && typeof error === 'object' && 'errors' in error ? error.errors : [];
  if (Array.isArray(errors) && errors.length > 0) {
    for (const e of errors) {
      const where = e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : '';
      console.error(`build-sdk: ${where}${e.text}`);
    }
  } else {
    console.error('build-sdk: build failed:', error);
  }
  process.exit(1);
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = results.map((r) => [`dist/sdk/${r.file}`, r.globalName, kib(r.raw), kib(r.gzip)]);
rows.push(['total', '', kib(results.reduce((s, r) => s + r.raw, 0)), kib(results.reduce((s, r) => s + r.gzip, 0))]);
const header = ['bundle', 'global', 'minified', 'gzip'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`built ${results.length} bundles into ${relative(root, outDir)}/ in ${Math.round(performance.now() - started)} ms`);
