/**
 * SDK build steps after esbuild: the ES module esbuild bundled becomes the IIFE that defines the global
 * (`var RCCall = (() => { …; return { installer, … } })()`: a plain object, without the getters and
 * helpers of esbuild's own IIFE format), then a second minifier pass (oxc, through rolldown's
 * `minifySync`) finds what esbuild's minifier leaves. Together ≈1.5 KB gzip over the three core
 * bundles. oxc's source map (new code → esbuild's code) is composed with esbuild's (esbuild's code →
 * sources), so the served `.map` still points at the TypeScript sources.
 */
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { minifySync } from 'rolldown/utils';

/** The last segment of `line` starting at or before `column`, or undefined. */
function segmentAt(line, column) {
  let low = 0;
  let high = line.length - 1;
  let found;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (line[mid][0] <= column) {
      found = line[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** `outer` maps code → intermediate code (one source), `inner` maps the intermediate code → sources. */
export function composeSourceMaps(outer, inner) {
  const innerLines = decode(inner.mappings);
  const lines = decode(outer.mappings).map((line) =>
    line.flatMap((segment) => {
      if (segment.length < 4) return [];
      const target = segmentAt(innerLines[segment[2]] ?? [], segment[3]);
      if (!target || target.length < 4) return [];
      return [
        target.length === 5 ? [segment[0], target[1], target[2], target[3], target[4]] : [segment[0], target[1], target[2], target[3]],
      ];
    }),
  );
  return { ...inner, mappings: encode(lines) };
}

/**
 * `code` (esbuild's ES module output) as a script defining `globalName` (the module's exports as a
 * plain object), followed by `footer`; `map` is shifted for the line put in front.
 */
export function esmToGlobal(code, map, globalName, footer) {
  const body = code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const exported = /export\s*\{([^}]*)\};?\s*$/.exec(body);
  const names = (exported?.[1] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [local, as] = item.split(/\s+as\s+/);
      return `${as ?? local}:${local}`;
    });
  const script =
    `"use strict";var ${globalName}=(()=>{\n` +
    `${exported ? body.slice(0, exported.index) : body}\nreturn{${names.join(',')}}})();\n${footer ?? ''}`;
  return { code: script, map: { ...map, mappings: `;${map.mappings}` } };
}

/**
 * Minifies `code` (whose source map is `map`) once more; returns the new code (with `sourceMappingURL`
 * pointing at `mapName`) and the composed map. Throws on any oxc error.
 */
export function postMinify(fileName, code, map, mapName) {
  const result = minifySync(fileName, code, { compress: { target: 'es2022' }, mangle: true, sourcemap: true });
  if (result.errors.length > 0) throw new Error(`${fileName}: oxc minify: ${result.errors.map((e) => e.message).join('; ')}`);
  if (!result.map) throw new Error(`${fileName}: oxc minify returned no source map`);
  const composed = composeSourceMaps(result.map, map);
  return { code: `${result.code.trimEnd()}\n//# sourceMappingURL=${mapName}\n`, map: composed };
}
