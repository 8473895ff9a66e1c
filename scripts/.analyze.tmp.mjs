import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entries = { imlib: 'packages/imlib/src/index.ts', rtc: 'packages/rtc/src/index.ts', call: 'packages/call/src/index.ts' };
const which = process.argv[2] || 'imlib';
const external = which === 'imlib' ? [] : ['@opencall/protocol', '@opencall/protocol/client'];
const r = await build({
  entryPoints: [entries[which]],
  bundle: true,
  format: 'iife',
  globalName: 'X',
  minify: true,
  target: process.argv[3] || 'es2020',
  write: false,
  metafile: true,
  external,
  outdir: '/tmp/x',
  logLevel: 'silent',
});
const out = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(out.inputs)
  .map(([f, v]) => [f, v.bytesInOutput])
  .sort((a, b) => b[1] - a[1]);
const dirs = {};
for (const [f, n] of rows) {
  const d = f.replace(/\/[^/]*$/, '');
  dirs[d] = (dirs[d] || 0) + n;
}
console.log(
  Object.entries(dirs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([d, n]) => `${n}\t${d}`)
    .join('\n'),
);
console.log('---');
console.log(
  rows
    .slice(0, 40)
    .map(([f, n]) => `${n}\t${f}`)
    .join('\n'),
);
console.log('gz', gzipSync(r.outputFiles[0].contents, { level: 9 }).length);
