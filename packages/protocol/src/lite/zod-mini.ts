/**
 * A small implementation of the part of `zod/mini` (zod 4) the client protocol uses, for the browser
 * SDK: scripts/build-sdk.mjs resolves `zod/mini` to this file in the SDK bundles (≈1 KB gzip instead
 * of ≈7.5 KB). The protocol stays defined once — the schemas are the same source files, built with
 * these constructors instead of zod's — and the server and every Node test keep using zod itself.
 *
 * Same results as zod for these schemas: success, the parsed data (unknown keys stripped, absent
 * optional keys left out) and every issue's `path` and `code` in zod's order, proven by the property
 * test beside this file (zod-mini.test.ts), which builds the protocol with this file exactly as the
 * SDK build does. Messages are shorter than zod's. Anything the protocol's client part does not use
 * is missing on purpose: the SDK build fails when a bundled schema imports a constructor absent here.
 */

/** One problem found in the input, as zod reports it (`path` from the root, `code` from zod's set). */
export interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  /** zod's `continue`: true for a failed check after which the other checks still run. */
  continue?: boolean;
}

interface Payload {
  value: unknown;
  issues: Issue[];
}

/**
 * A check of `.check(…)`. `whenLength`: it runs on any value with a `length`, even after a type error;
 * `cap`: a maximum length, which an array over it meets before its elements are parsed.
 */
interface Check {
  whenLength?: boolean;
  cap?: number;
  run(payload: Payload): void;
}

type SafeParseResult = { success: true; data: unknown } | { success: false; error: { issues: Issue[] } };

type Presence = 'optional' | undefined;

const issue = (code: string, message: string, keepChecking?: boolean): Issue =>
  keepChecking === undefined ? { code, path: [], message } : { code, path: [], message, continue: keepChecking };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** zod's `aborted`: an issue since `from` stops the checks without a length condition. */
const aborted = (payload: Payload, from = 0): boolean => payload.issues.slice(from).some((i) => i.continue !== true);

/** Strings are measured in code points, as zod does. */
function lengthOf(value: string | unknown[]): number {
  if (typeof value !== 'string') return value.length;
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length--;
      i++;
    }
  }
  return length;
}

/** A schema: a parse step, then its checks (zod's `runChecks`). */
export class Schema {
  constructor(
    readonly parse: (payload: Payload, self: Schema) => Payload,
    readonly checks: readonly Check[] = [],
    /** zod's `optin` / `optout`: whether the key may be absent from an object. */
    readonly presence: Presence = undefined,
    /** The literal values it accepts (a discriminated union's options map on them). */
    readonly values?: readonly unknown[],
    readonly shape?: Record<string, Schema>,
  ) {}

  run(payload: Payload): Payload {
    const result = this.parse(payload, this);
    let stopped = aborted(result);
    for (const check of this.checks) {
      if (check.whenLength) {
        const value = result.value as { length?: unknown } | null | undefined;
        if (result.issues.some((i) => i.continue === false) || value == null || value.length === undefined) continue;
      } else if (stopped) continue;
      const before = result.issues.length;
      check.run(result);
      if (!stopped && result.issues.length > before) stopped = aborted(result, before);
    }
    return result;
  }

  check(...checks: Check[]): Schema {
    return new Schema(this.parse, [...this.checks, ...checks], this.presence, this.values, this.shape);
  }

  safeParse(value: unknown): SafeParseResult {
    const { value: data, issues } = this.run({ value, issues: [] });
    return issues.length === 0 ? { success: true, data } : { success: false, error: { issues } };
  }
}

function typeOf(expected: string, test: (value: unknown) => boolean): Schema {
  return new Schema((payload) => {
    if (!test(payload.value)) payload.issues.push(issue('invalid_type', `expected ${expected}`));
    return payload;
  });
}

export const string = (): Schema => typeOf('string', (v) => typeof v === 'string');
export const number = (): Schema => typeOf('number', (v) => typeof v === 'number' && Number.isFinite(v));
export const boolean = (): Schema => typeOf('boolean', (v) => typeof v === 'boolean');
const undefinedSchema = (): Schema => typeOf('undefined', (v) => v === undefined);

export { undefinedSchema as undefined };
export const unknown = (): Schema => new Schema((payload) => payload);

function oneOf(values: readonly unknown[]): Schema {
  return new Schema(
    (payload) => {
      if (!values.includes(payload.value)) payload.issues.push(issue('invalid_value', `expected one of ${JSON.stringify(values)}`));
      return payload;
    },
    [],
    undefined,
    values,
  );
}
export const literal = (value: unknown): Schema => oneOf(Array.isArray(value) ? value : [value]);
const enumSchema = (values: readonly string[]): Schema => oneOf(values);

export { enumSchema as enum };

export const optional = (inner: Schema): Schema =>
  new Schema((payload) => (payload.value === undefined ? payload : inner.run(payload)), [], 'optional');
export const nullable = (inner: Schema): Schema =>
  new Schema((payload) => (payload.value === null ? payload : inner.run(payload)), [], inner.presence);

const prefixed = (key: PropertyKey, issues: Issue[]): Issue[] =>
  issues.map((i) => {
    i.path.unshift(key);
    return i;
  });

export function array(element: Schema): Schema {
  return new Schema((payload, self) => {
    const input = payload.value;
    if (!Array.isArray(input)) {
      payload.issues.push(issue('invalid_type', 'expected array'));
      return payload;
    }
    // zod's size cap: an array longer than a maximum of its leading length checks is refused unread.
    for (const check of self.checks) {
      if (!check.whenLength) break;
      if (check.cap !== undefined && input.length > check.cap) {
        check.run(payload);
        (payload.issues[payload.issues.length - 1] as Issue).continue = false;
        return payload;
      }
    }
    payload.value = input.map((item, index) => {
      const result = element.run({ value: item, issues: [] });
      payload.issues.push(...prefixed(index, result.issues));
      return result.value;
    });
    return payload;
  });
}

export function object(shape: Record<string, Schema>): Schema {
  return new Schema(
    (payload) => {
      const input = payload.value;
      if (!isObject(input)) {
        payload.issues.push(issue('invalid_type', 'expected object'));
        return payload;
      }
      const output: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(shape)) {
        const present = key in input;
        const result = field.run({ value: input[key], issues: [] });
        if (!present && field.presence) continue;
        payload.issues.push(...prefixed(key, result.issues));
        if (!present) {
          if (result.issues.length === 0) payload.issues.push({ ...issue('invalid_type', 'expected nonoptional'), path: [key] });
        } else output[key] = result.value;
      }
      payload.value = output;
      return payload;
    },
    [],
    undefined,
    undefined,
    shape,
  );
}

export function union(options: readonly Schema[]): Schema {
  const presence = options.some((o) => o.presence) ? 'optional' : undefined;
  return new Schema(
    (payload) => {
      const results: Payload[] = [];
      for (const option of options) {
        const result = option.run({ value: payload.value, issues: [] });
        if (result.issues.length === 0) return result;
        results.push(result);
      }
      const usable = results.filter((r) => !aborted(r));
      if (usable.length === 1) return usable[0] as Payload;
      payload.issues.push(issue('invalid_union', 'matches no option'));
      return payload;
    },
    [],
    presence,
  );
}

export function discriminatedUnion(discriminator: string, options: readonly Schema[]): Schema {
  const byValue = new Map<unknown, Schema>();
  for (const option of options) for (const value of option.shape?.[discriminator]?.values ?? []) byValue.set(value, option);
  return new Schema((payload) => {
    const input = payload.value;
    if (!isObject(input)) {
      payload.issues.push(issue('invalid_type', 'expected object'));
      return payload;
    }
    const option = byValue.get(input[discriminator]);
    if (option) return option.run(payload);
    payload.issues.push({ ...issue('invalid_union', `unknown ${discriminator}`), path: [discriminator] });
    return payload;
  });
}

function lengthCheck(code: 'too_small' | 'too_big', bound: number): Check {
  return {
    whenLength: true,
    ...(code === 'too_big' ? { cap: bound } : {}),
    run(payload) {
      const length = lengthOf(payload.value as string | unknown[]);
      if (code === 'too_small' ? length < bound : length > bound)
        payload.issues.push(issue(code, `${code === 'too_small' ? 'shorter than' : 'longer than'} ${bound}`, true));
    },
  };
}
export const minLength = (min: number): Check => lengthCheck('too_small', min);
export const maxLength = (max: number): Check => lengthCheck('too_big', max);

export const regex = (pattern: RegExp): Check => ({
  run(payload) {
    pattern.lastIndex = 0;
    if (!pattern.test(payload.value as string)) payload.issues.push(issue('invalid_format', `does not match ${pattern}`, true));
  },
});

/** zod's `int()` as a check: a safe integer (a non-integer stops the other checks). */
export const int = (): Check => ({
  run(payload) {
    const value = payload.value as number;
    if (!Number.isInteger(value)) payload.issues.push(issue('invalid_type', 'expected int', false));
    else if (!Number.isSafeInteger(value))
      payload.issues.push(
        value > 0 ? issue('too_big', 'above the safe integers', true) : issue('too_small', 'below the safe integers', true),
      );
  },
});

export const gte = (min: number): Check => ({
  run(payload) {
    if (!((payload.value as number) >= min)) payload.issues.push(issue('too_small', `less than ${min}`, true));
  },
});
export const lte = (max: number): Check => ({
  run(payload) {
    if (!((payload.value as number) <= max)) payload.issues.push(issue('too_big', `more than ${max}`, true));
  },
});
