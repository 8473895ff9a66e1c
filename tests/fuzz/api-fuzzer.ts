/**
 * Server-API fuzzing against the real server: mutated signed and unsigned requests to every
 * endpoint always get a JSON envelope with a catalogued code and its HTTP status (never a 5xx), a
 * well-formed request is accepted, and a refused request changes nothing in storage (checked through
 * the endpoints' own query routes on a sample of inputs). Each fuzz worker owns its own users and
 * group (`prefix`), so workers can run in parallel.
 */
import { SERVER_API_HTTP_STATUS, ServerApiCode } from '@opencall/protocol';
import fc from 'fast-check';
import { encodeForm, signingHeaders } from '../helpers/server-process.js';
import { checkAsyncProperty } from './check-property.js';
import { mutate, mutationArb } from './mutations.js';

type Form = Record<string, string | string[]>;

export interface ApiTarget {
  url: string;
  appKey: string;
  appSecret: string;
}

/** One valid body per endpoint, for the worker's own users `${p}u1`, `${p}u2` and group `${p}g1`. */
export function endpointSamples(p: string): [path: string, form: Form][] {
  const u1 = `${p}u1`;
  const u2 = `${p}u2`;
  const g1 = `${p}g1`;
  return [
    ['/user/getToken.json', { userId: u1, name: 'Name', portraitUri: 'http://p/1.png' }],
    ['/user/token/expire.json', { userId: [u1, u2], time: String(Date.now() - 86_400_000) }],
    ['/group/create.json', { userId: [u1, u2], groupId: g1, groupName: 'G' }],
    ['/group/join.json', { userId: [u1], groupId: g1, groupName: 'G' }],
    ['/group/quit.json', { userId: [u2], groupId: g1 }],
    ['/group/dismiss.json', { userId: u1, groupId: g1 }],
    ['/group/user/query.json', { groupId: g1 }],
    ['/user/blacklist/add.json', { userId: u1, blackUserId: [u2] }],
    ['/user/blacklist/remove.json', { userId: u1, blackUserId: [u2] }],
    ['/user/blacklist/query.json', { userId: u1, size: '10' }],
    ['/user/blocklist/add.json', { userId: u2, blackUserId: [u1] }],
    ['/user/blocklist/remove.json', { userId: u2, blackUserId: [u1] }],
    ['/user/blocklist/query.json', { userId: u2 }],
    ['/user/block.json', { userId: [u1], minute: '1' }],
    ['/user/unblock.json', { userId: [u1, u2] }],
    ['/user/block/query.json', { page: '1', size: '50' }],
    ['/opencall/app/service.json', { audio: '1', video: '1' }],
    [
      '/call/query.json',
      { userId: u1, startTime: '0', endTime: String(Date.now()), endReason: '3', minDuration: '0', page: '1', pageSize: '20' },
    ],
    ['/call/usage.json', { startDate: '2026-11-01', endDate: '2026-11-30' }],
    ['/user/no-such-endpoint.json', { userId: u1 }],
  ];
}

type FormMutation =
  | { op: 'drop'; at: number }
  | { op: 'value'; at: number; value: string }
  | { op: 'repeat'; at: number; times: number }
  | { op: 'addKey'; key: string; value: string };

type Encoding =
  | { kind: 'form' }
  | { kind: 'json'; mutations: Parameters<typeof mutate>[1] }
  | { kind: 'raw'; text: string; contentType: string }
  | { kind: 'empty' }
  | { kind: 'huge' };

type Signing = 'valid' | 'rc-prefix' | 'missing' | 'bad-signature' | 'unknown-key' | 'bad-timestamp' | 'none';

export interface ApiInput {
  endpoint: number;
  mutations: FormMutation[];
  encoding: Encoding;
  signing: Signing;
  missing: number;
}

const ODD_VALUES = [
  '',
  ' ',
  '-1',
  '0',
  '1e5',
  '99999999999999999',
  '1.5',
  'null',
  '[]',
  '{}',
  '%00',
  '\u0000',
  'a'.repeat(65),
  'a'.repeat(1025),
];

const formValue = fc.oneof(fc.constantFrom(...ODD_VALUES), fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 12 }));

const formMutation: fc.Arbitrary<FormMutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat(99) }),
  fc.record({ op: fc.constant('value' as const), at: fc.nat(99), value: formValue }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(99), times: fc.constantFrom(2, 21, 1001) }),
  fc.record({
    op: fc.constant('addKey' as const),
    key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'userId', 'page', 'size', 'time'), fc.string({ maxLength: 8 })),
    value: formValue,
  }),
);

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'form' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('json' as const), mutations: fc.array(mutationArb(['']), { maxLength: 2 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof(fc.string({ maxLength: 60, unit: 'binary' }), fc.json({ maxDepth: 2 })),
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/octet-stream'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'huge' as const }) },
);

const signing: fc.Arbitrary<Signing> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('valid' as const) },
  { weight: 1, arbitrary: fc.constantFrom<Signing>('rc-prefix', 'missing', 'bad-signature', 'unknown-key', 'bad-timestamp', 'none') },
);

export function apiInputArb(endpoints: number): fc.Arbitrary<ApiInput> {
  return fc.record({
    endpoint: fc.nat(endpoints - 1),
    mutations: fc.array(formMutation, { maxLength: 3 }),
    encoding,
    signing,
    missing: fc.nat(3),
  });
}

function applyFormMutations(form: Form, mutations: readonly FormMutation[]): Form {
  const out: Form = Object.create(null);
  for (const [k, v] of Object.entries(form)) out[k] = v;
  for (const m of mutations) {
    const keys = Object.keys(out);
    if (m.op === 'addKey') {
      out[m.key] = m.value;
      continue;
    }
    if (keys.length === 0) continue;
    const key = keys[m.at % keys.length]!;
    if (m.op === 'drop') delete out[key];
    else if (m.op === 'value') out[key] = m.value;
    else {
      const value = out[key]!;
      out[key] = Array.from({ length: m.times }, (_, i) => (Array.isArray(value) ? value[i % value.length]! : value));
    }
  }
  return out;
}

function headersFor(target: ApiInput['signing'], missing: number, app: ApiTarget): Record<string, string> {
  const valid = signingHeaders(app.appKey, app.appSecret);
  switch (target) {
    case 'valid':
      return valid;
    case 'rc-prefix':
      return Object.fromEntries(Object.entries(valid).map(([k, v]) => [`RC-${k}`, v]));
    case 'missing': {
      const names = Object.keys(valid);
      return Object.fromEntries(Object.entries(valid).filter(([k]) => k !== names[missing % names.length]));
    }
    case 'bad-signature':
      return { ...valid, Signature: '0'.repeat(40) };
    case 'unknown-key':
      return signingHeaders('fuzz-unknown-app', app.appSecret);
    case 'bad-timestamp':
      return { ...valid, Timestamp: missing % 2 === 0 ? 'yesterday' : '12345678901234567' };
    case 'none':
      return {};
  }
}

/** The request an input describes. */
function buildRequest(input: ApiInput, samples: [string, Form][], app: ApiTarget): { path: string; init: RequestInit; pristine: boolean } {
  const [path, sample] = samples[input.endpoint]!;
  const form = applyFormMutations(sample, input.mutations);
  const headers: Record<string, string> = headersFor(input.signing, input.missing, app);
  let body: string;
  switch (input.encoding.kind) {
    case 'form':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = encodeForm(form);
      break;
    case 'json':
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(mutate({ ...form }, input.encoding.mutations));
      break;
    case 'raw':
      headers['Content-Type'] = input.encoding.contentType;
      body = input.encoding.text;
      break;
    case 'empty':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = '';
      break;
    case 'huge':
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = `${encodeForm(form)}&pad=${'x'.repeat(110 * 1024)}`;
      break;
  }
  const pristine =
    input.mutations.length === 0 && input.encoding.kind === 'form' && (input.signing === 'valid' || input.signing === 'rc-prefix');
  return { path, init: { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) }, pristine };
}

const API_CODES = new Set<number>(Object.values(ServerApiCode).filter((v): v is number => typeof v === 'number'));

export interface Reply {
  status: number;
  body: unknown;
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Throws unless `reply` is a catalogued envelope consistent with `input`. */
function assertEnvelope(reply: Reply, input: ApiInput, path: string, pristine: boolean): number {
  const fail = (why: string): never => {
    throw new Error(`${why}: ${path} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
  };
  if (reply.status >= 500) fail('5xx');
  const body = reply.body as { code?: unknown; errorMessage?: unknown } | null;
  if (body === null || typeof body !== 'object' || typeof body.code !== 'number') fail('not a JSON envelope');
  const code = body!.code as number;
  if (!API_CODES.has(code)) fail(`uncatalogued code ${code}`);
  if (reply.status !== SERVER_API_HTTP_STATUS[code as ServerApiCode]) fail(`HTTP status does not match code ${code}`);
  if (code !== ServerApiCode.OK && typeof body!.errorMessage !== 'string') fail('error without errorMessage');
  const unknownPath = path.includes('no-such-endpoint');
  if (unknownPath && code !== ServerApiCode.NOT_FOUND) fail('unknown endpoint not 404');
  const badSigning = input.signing !== 'valid' && input.signing !== 'rc-prefix';
  // An unknown App Key is answered like a wrong signature (1004), so it cannot be probed for.
  if (!unknownPath && badSigning && code !== ServerApiCode.SIGNATURE_FAILED) {
    fail(`bad signing (${input.signing}) not refused with 1004`);
  }
  if (!unknownPath && pristine && code !== ServerApiCode.OK) fail('a well-formed request was refused');
  return code;
}

/** What refused requests must not change: the worker's group, blacklists and bans. */
async function snapshot(target: ApiTarget, p: string): Promise<string> {
  const post = (path: string, form: Form) =>
    send(target.url + path, {
      method: 'POST',
      headers: { ...signingHeaders(target.appKey, target.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encodeForm(form),
    });
  const [group, black1, black2, bans] = await Promise.all([
    post('/group/user/query.json', { groupId: `${p}g1` }),
    post('/user/blacklist/query.json', { userId: `${p}u1` }),
    post('/user/blacklist/query.json', { userId: `${p}u2` }),
    post('/user/block/query.json', {}),
  ]);
  const own = ((bans.body as { users?: { userId: string }[] }).users ?? []).filter((u) => u.userId.startsWith(p));
  return JSON.stringify([group.body, black1.body, black2.body, own]);
}

export interface ApiFuzzOptions {
  target: ApiTarget;
  /** Unique per parallel worker. */
  prefix: string;
  numRuns: number;
  /** Check storage around every n-th refused-candidate input (0 = never). */
  storageCheckEvery: number;
  seed?: number;
  onInput?: (code: number) => void;
}

export async function fuzzServerApi(options: ApiFuzzOptions): Promise<void> {
  const samples = endpointSamples(options.prefix);
  let count = 0;
  await checkAsyncProperty(
    fc.asyncProperty(apiInputArb(samples.length), async (input) => {
      count += 1;
      const { path, init, pristine } = buildRequest(input, samples, options.target);
      const check = options.storageCheckEvery > 0 && count % options.storageCheckEvery === 0;
      const before = check ? await snapshot(options.target, options.prefix) : '';
      const reply = await send(options.target.url + path, init);
      const code = assertEnvelope(reply, input, path, pristine);
      if (check && code !== ServerApiCode.OK) {
        const after = await snapshot(options.target, options.prefix);
        if (after !== before) throw new Error(`refused ${path} (${code}) changed storage:\n${before}\n→ ${after}`);
      }
      options.onInput?.(code);
    }),
    { numRuns: options.numRuns, endOnFailure: true, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
}
