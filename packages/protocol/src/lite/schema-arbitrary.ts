/**
 * fast-check inputs for a zod schema, read from its definition (test helper of zod-mini.test.ts).
 * Half are valid values (within every bound). The other half are edgy: strings and numbers at and
 * across their bounds, code-point lengths, arrays at their size limits, optional keys absent or
 * `undefined`, with junk in place of any value now and then, keys dropped and unknown keys added.
 */
import fc from 'fast-check';

/** What both zod and zod-mini.ts schemas answer. */
export type ParseResult =
  | { success: true; data: unknown }
  | { success: false; error: { issues: readonly { path: PropertyKey[]; code: string }[] } };
export interface SchemaLike {
  safeParse(value: unknown): ParseResult;
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  pattern?: RegExp;
}
interface SchemaDef {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  values?: unknown[];
  entries?: Record<string, unknown>;
  innerType?: SchemaLike;
  element?: SchemaLike;
  options?: SchemaLike[];
  shape?: Record<string, SchemaLike>;
}

const defOf = (schema: SchemaLike): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
const checksOf = (def: SchemaDef): CheckDef[] => (def.checks ?? []).map((c) => c._zod.def);
const isOptional = (schema: SchemaLike): boolean => ['optional'].includes(defOf(schema).type);

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, '', 0, -1, 1.5, true, Number.NaN, [], {}),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 2 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

function stringArbitrary(def: SchemaDef, valid: boolean): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 8;
  const pattern = checks.find((c) => c.check === 'string_format')?.pattern;
  const near = [min - 1, min, max - 1, max, max + 1].filter((n) => n >= 0);
  if (valid) {
    const within = (text: string) => [...text].length >= min && [...text].length <= max;
    const text = pattern ? fc.stringMatching(pattern) : fc.string({ minLength: min, maxLength: Math.min(max, 12), unit: 'grapheme' });
    return fc.oneof(text.filter(within), fc.constant('a'.repeat(max)).filter(within));
  }
  return fc.oneof(
    { arbitrary: pattern ? fc.stringMatching(pattern, { maxLength: Math.min(max + 2, 70) }) : fc.string({ maxLength: 12 }), weight: 4 },
    fc.string({ maxLength: 6, unit: 'grapheme' }),
    fc.constantFrom(...near).map((n) => 'a'.repeat(n)),
    // Two UTF-16 units per code point: within `max` code points, over `max` units.
    fc.constantFrom(...near).map((n) => '😀'.repeat(n)),
    fc.constantFrom('a b', 'é', '\ud800', 'a/b', '-'),
  );
}

function numberArbitrary(def: SchemaDef, valid: boolean): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const low = checks.find((c) => c.check === 'greater_than')?.value ?? -5;
  const high = checks.find((c) => c.check === 'less_than')?.value ?? 1_000;
  if (valid) {
    const whole = checks.some((c) => c.check === 'number_format');
    const min = checks.find((c) => c.check === 'greater_than')?.value ?? -(2 ** 31);
    const max = checks.find((c) => c.check === 'less_than')?.value ?? 2 ** 31;
    return whole ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
  }
  return fc.oneof(
    { arbitrary: fc.integer({ min: low, max: Math.min(high, low + 1_000_000) }), weight: 4 },
    fc.constantFrom(low - 1, low, high, high + 1, 0.5, high - 0.5, -0, Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE),
    fc.constantFrom(2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e21),
    fc.double(),
  );
}

function arrayArbitrary(def: SchemaDef, valid: boolean): fc.Arbitrary<unknown[]> {
  const element = valueArbitrary(def.element as SchemaLike, valid);
  const checks = checksOf(def);
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const max = checks.find((c) => c.check === 'max_length')?.maximum;
  if (valid) return fc.array(element, { minLength: min, maxLength: Math.min(max ?? 3, Math.max(min, 3)) });
  const sizes = [min - 1, min, max, max === undefined ? undefined : max + 1].filter(
    (n): n is number => n !== undefined && n >= 0 && n <= 65,
  );
  return fc.oneof(
    { arbitrary: fc.array(element, { maxLength: 3 }), weight: 5 },
    ...sizes.map((n) => fc.array(element, { minLength: n, maxLength: n })),
  );
}

function objectArbitrary(def: SchemaDef, valid: boolean): fc.Arbitrary<Record<string, unknown>> {
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  const record = fc.record(Object.fromEntries(keys.map((key) => [key, valueArbitrary(shape[key] as SchemaLike, valid)])), {
    requiredKeys: keys.filter((key) => !isOptional(shape[key] as SchemaLike)),
  });
  if (valid) return record;
  return fc
    .tuple(
      record,
      fc.option(fc.constantFrom(...keys), { freq: 2 }),
      fc.option(fc.dictionary(fc.constantFrom('x', 'extra', 'toString', '__proto__', ...keys), junk, { maxKeys: 2 }), { freq: 4 }),
    )
    .map(([value, dropped, added]) => {
      const result: Record<string, unknown> = { ...value };
      if (dropped !== null) delete result[dropped];
      // Added keys may also overwrite a field with junk; `__proto__` becomes an own key, as JSON.parse makes it.
      if (added) for (const [key, extra] of Object.entries(added)) Object.defineProperty(result, key, { value: extra, enumerable: true });
      return result;
    });
}

/** Values of `schema`'s own kind: valid, or else close to it with junk now and then. */
function valueArbitrary(schema: SchemaLike, valid: boolean): fc.Arbitrary<unknown> {
  if (valid) return kindArbitrary(schema, true);
  return fc.oneof({ arbitrary: kindArbitrary(schema, false), weight: 12 }, { arbitrary: junk, weight: 1 });
}

function kindArbitrary(schema: SchemaLike, valid: boolean): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringArbitrary(def, valid);
    case 'number':
      return numberArbitrary(def, valid);
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'optional':
      return fc.option(valueArbitrary(def.innerType as SchemaLike, valid), { nil: undefined });
    case 'nullable':
      return fc.option(valueArbitrary(def.innerType as SchemaLike, valid), { nil: null });
    case 'array':
      return arrayArbitrary(def, valid);
    case 'object':
      return objectArbitrary(def, valid);
    case 'union':
      return fc.oneof(...(def.options ?? []).map((option) => valueArbitrary(option, valid)));
    case 'unknown':
      return fc.anything({ maxDepth: 2 });
    case 'undefined':
      return fc.constant(undefined);
    default:
      throw new Error(`schemaArbitrary: no generator for zod type '${def.type}'`);
  }
}

/** Inputs for `schema`: see the file comment. */
export const schemaArbitrary = (schema: SchemaLike): fc.Arbitrary<unknown> =>
  fc.oneof(valueArbitrary(schema, true), valueArbitrary(schema, false));
