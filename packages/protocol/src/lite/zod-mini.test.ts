/**
 * The browser SDK validates frames with zod-mini.ts instead of zod (scripts/sdk-zod-alias.mjs). This
 * property test builds the wire protocol's modules exactly as the SDK build does (esbuild, same
 * alias) and checks that every schema gives zod's answer on generated inputs — values built from each
 * schema's own definition near its bounds, with fields dropped, added, and replaced by junk: same
 * success, same parsed data (strict: stripped keys, absent optional keys), same issues (path and code,
 * in order). The frame decoder and the reply check are compared end to end as well.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkZodAlias } from '../../../../scripts/sdk-zod-alias.mjs';
import * as callFrames from '../call-frames.js';
import * as callRequests from '../call-requests.js';
import * as clientFrames from '../client-frames.js';
import * as realCodec from '../codec.js';
import * as frames from '../frames.js';
import * as primitives from '../primitives.js';
import * as pushConfig from '../push-config.js';
import * as replies from '../replies.js';
import * as rtcFrames from '../rtc-frames.js';
import * as rtcRequests from '../rtc-requests.js';
import * as sfuFrames from '../sfu-frames.js';
import * as sfuRequests from '../sfu-requests.js';
import * as telemetryFrames from '../telemetry-frames.js';
import { type ParseResult, type SchemaLike, schemaArbitrary } from './schema-arbitrary.js';

const PROTOCOL_SRC = resolve(import.meta.dirname, '..');

/**
 * The wire protocol's modules, by file: those the SDK bundles carry, and the frames clients send (not
 * in the bundles, but more schemas to hold zod-mini.ts to). The server API and console modules use
 * more of zod than zod-mini.ts has.
 */
const WIRE_SCHEMA_MODULES = {
  'primitives.js': primitives,
  'frames.js': frames,
  'call-frames.js': callFrames,
  'rtc-frames.js': rtcFrames,
  'sfu-frames.js': sfuFrames,
  'replies.js': replies,
  'push-config.js': pushConfig,
  'client-frames.js': clientFrames,
  'call-requests.js': callRequests,
  'rtc-requests.js': rtcRequests,
  'sfu-requests.js': sfuRequests,
  'telemetry-frames.js': telemetryFrames,
};

/** Thousands of parses each: seconds alone, more on a machine busy with browser tests. */
const PROPERTY_TIMEOUT_MS = 60_000;

type LiteModule = Record<string, unknown>;

/** The zod schemas a module exports, by name. */
const schemasOf = (module: LiteModule): [string, SchemaLike][] =>
  Object.entries(module).filter((entry): entry is [string, SchemaLike] => typeof (entry[1] as { _zod?: unknown })?._zod === 'object');

const real: LiteModule = Object.assign({}, ...Object.values(WIRE_SCHEMA_MODULES));
let lite: LiteModule;
let tempDir: string;

beforeAll(async () => {
  const exports = [...Object.keys(WIRE_SCHEMA_MODULES), 'codec.js'].map((m) => `export * from './${m}';`).join('\n');
  const out = await build({
    stdin: { contents: exports, resolveDir: PROTOCOL_SRC, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    alias: sdkZodAlias,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]?.text ?? '';
  expect(code).not.toContain('ZodError'); // zod itself is not in the build
  tempDir = mkdtempSync(join(tmpdir(), 'opencall-zod-lite-'));
  const file = join(tempDir, 'protocol-lite.mjs');
  writeFileSync(file, code);
  lite = (await import(pathToFileURL(file).href)) as LiteModule;
});

afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

const issuesOf = (result: ParseResult) =>
  result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code }));

/** Parses `input` with both, expects the same answer, and says whether it was accepted. */
function expectSameAnswer(name: string, realSchema: SchemaLike, liteSchema: SchemaLike, input: unknown): boolean {
  const expected = realSchema.safeParse(input);
  const actual = liteSchema.safeParse(input);
  const where = `${name} on ${JSON.stringify(input)?.slice(0, 300)}`;
  expect(actual.success, where).toBe(expected.success);
  if (expected.success && actual.success) expect(actual.data, where).toStrictEqual(expected.data);
  expect(issuesOf(actual), where).toEqual(issuesOf(expected));
  return expected.success;
}

describe('zod-mini.ts gives zod’s answers for the client protocol schemas', () => {
  it('covers every schema the wire modules export (frames, events, requests, replies, push config)', () => {
    const names = schemasOf(real).map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['ServerFrame', 'ClientFrame', 'PushVendorConfig', 'CallTelemetryRequest']));
    for (const name of names) expect(typeof (lite[name] as SchemaLike | undefined)?.safeParse, name).toBe('function');
  });

  it(
    'same success, data and issues on generated inputs, for each schema',
    () => {
      for (const [name, realSchema] of schemasOf(real)) {
        const liteSchema = lite[name] as SchemaLike;
        const counts = { accepted: 0, refused: 0 };
        fc.assert(
          fc.property(schemaArbitrary(realSchema), (input) => {
            counts[expectSameAnswer(name, realSchema, liteSchema, input) ? 'accepted' : 'refused']++;
          }),
          { numRuns: name === 'ServerFrame' || name === 'ClientFrame' ? 1500 : 150, seed: 16 },
        );
        // The generator reaches both sides of every schema (a schema accepting anything has no refusals).
        expect(counts.accepted, `${name} accepted`).toBeGreaterThan(0);
        if (name !== 'NoReplyData') expect(counts.refused, `${name} refused`).toBeGreaterThan(0);
      }
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'decodeServerFrame: the same Decoded result for the same text',
    () => {
      const liteDecode = lite.decodeServerFrame as typeof realCodec.decodeServerFrame;
      const serverFrame = real.ServerFrame as SchemaLike;
      const texts = fc.oneof(
        schemaArbitrary(serverFrame).map((frame) => JSON.stringify(frame) ?? 'undefined'),
        fc.string({ maxLength: 20 }),
        fc.constantFrom(
          '{',
          '[]',
          'null',
          '{"t":"nope"}',
          '{"t":"evt","seq":1}',
          `{"t":"pong","serverTime":1,"x":"${'a'.repeat(70_000)}"}`,
        ),
      );
      fc.assert(
        fc.property(texts, (text) => {
          expect(liteDecode(text), text.slice(0, 300)).toStrictEqual(realCodec.decodeServerFrame(text));
        }),
        { numRuns: 1500, seed: 16 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'checkReply: the same reply and problem for every request type',
    () => {
      const liteCheck = lite.checkReply as (t: string, reply: unknown) => unknown;
      const realCheck = real.checkReply as (t: string, reply: unknown) => unknown;
      for (const [type, schema] of Object.entries(replies.REPLY_DATA)) {
        fc.assert(
          fc.property(schemaArbitrary(schema as unknown as SchemaLike), (data) => {
            const reply = { code: 10000, data };
            expect(liteCheck(type, reply), type).toStrictEqual(realCheck(type, reply));
          }),
          { numRuns: 100, seed: 16 },
        );
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});
