/**
 * The SDK build rewrites every TypeScript enum as an `enumFromTable` table (scripts/compact-enums.mjs).
 * For each source file with enums, this builds it both ways and expects the very objects TypeScript
 * makes: same keys in the same order, same values, numeric members mapped both ways.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { compactEnums, compactEnumsPlugin } from '../../../../scripts/compact-enums.mjs';
import { enumFromTable } from './enum-table.js';

const PACKAGES = resolve(import.meta.dirname, '../../..');
const tempDir = mkdtempSync(join(tmpdir(), 'opencall-enums-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function sourcesWithEnums(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourcesWithEnums(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && /^(export )?enum /m.test(readFileSync(path, 'utf8')) ? [path] : [];
  });
}

async function load(entry: string, plugins: Plugin[], tag: string): Promise<Record<string, unknown>> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    plugins,
    logLevel: 'silent',
  });
  const file = join(tempDir, `${tag}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, out.outputFiles[0]?.text ?? '');
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

describe('compact enums (SDK build)', () => {
  it('enumFromTable builds what TypeScript builds', () => {
    expect(enumFromTable(['A', 1, 'B', -2, 'C', 'c', 'D', 1])).toStrictEqual({ A: 1, B: -2, C: 'c', D: 1, 1: 'D', [-2]: 'B' });
  });

  it('refuses a member that is not NAME = literal, naming it', () => {
    expect(() => compactEnums('export enum E {\n  A = 1 << 2,\n}\n')).toThrow(/enum E: member "A = 1 << 2"/);
    expect(() => compactEnums('enum F {\n  A,\n}\n')).toThrow(/enum F: member "A"/);
  });

  const files = sourcesWithEnums(PACKAGES);
  it('finds the enum tables of the SDK packages', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((f) => [f.slice(PACKAGES.length + 1)]))('%s: the same objects', async (file) => {
    const path = join(PACKAGES, file);
    const { count } = compactEnums(readFileSync(path, 'utf8'));
    const typescript = await load(path, [], 'ts');
    const compacted = await load(path, [compactEnumsPlugin], 'compact');
    const enumNames = [...readFileSync(path, 'utf8').matchAll(/^export enum (\w+)/gm)].map((m) => m[1] as string);
    expect(enumNames.length).toBeGreaterThan(0);
    expect(count).toBeGreaterThanOrEqual(enumNames.length);
    for (const name of enumNames) {
      expect(compacted[name], name).toStrictEqual(typescript[name]);
      expect(Object.keys(compacted[name] as object), name).toEqual(Object.keys(typescript[name] as object));
    }
  });
});
