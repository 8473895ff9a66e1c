/**
 * Properties of the wire decoders (`decodeClientFrame`, `decodeServerFrame`): for any input they
 * never throw and return either `{ok:true, value}` of a known frame type (which re-encodes and
 * decodes to the same value) or `{ok:false}` with a catalogued `ErrorCode`.
 */
import {
  CLIENT_FRAME_TYPES,
  type Decoded,
  decodeClientFrame,
  decodeServerFrame,
  ErrorCode,
  MAX_FRAME_BYTES,
  SERVER_FRAME_TYPES,
} from '@opencall/protocol';
import fc from 'fast-check';
import { checkProperty } from './check-property.js';
import { allClientSamples, allServerSamples, EVENT_SAMPLES } from './frame-samples.js';
import { frameTextArb } from './mutations.js';

const ERROR_CODES = new Set<number>(Object.values(ErrorCode).filter((v): v is number => typeof v === 'number'));
const DECODE_ERROR_CODES = new Set<number>([
  ErrorCode.OC_MALFORMED_FRAME,
  ErrorCode.OC_UNKNOWN_FRAME,
  ErrorCode.OC_FRAME_TOO_LARGE,
  ErrorCode.OC_INVALID_FIELD,
]);

/** Throws (with the input) unless `decoded` is a well-formed decoder answer for `text`. */
export function assertDecoderAnswer(
  text: string,
  decoded: Decoded<{ t: string }>,
  knownTypes: ReadonlySet<string>,
  decode: (t: string) => Decoded<unknown>,
): void {
  const fail = (why: string) => {
    throw new Error(`${why}: input ${JSON.stringify(text.slice(0, 300))} → ${JSON.stringify(decoded).slice(0, 300)}`);
  };
  if (decoded.ok) {
    if (!knownTypes.has(decoded.value.t)) fail('decoded an unknown frame type');
    const again = decode(JSON.stringify(decoded.value));
    if (!again.ok || JSON.stringify(again.value) !== JSON.stringify(decoded.value)) fail('a decoded frame does not round-trip');
    return;
  }
  if (!ERROR_CODES.has(decoded.code) || !DECODE_ERROR_CODES.has(decoded.code)) fail(`uncatalogued code ${decoded.code}`);
  if (typeof decoded.message !== 'string') fail('error without message');
  if (decoded.rid !== undefined && !(Number.isInteger(decoded.rid) && decoded.rid >= 0)) fail('bad rid in error');
  if (text.length > MAX_FRAME_BYTES && decoded.code !== ErrorCode.OC_FRAME_TOO_LARGE) fail('oversized frame not reported as too large');
}

export interface FuzzRunOptions {
  numRuns: number;
  seed?: number;
  /** Called every `progressEvery` inputs with the count so far. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

function counter(options: FuzzRunOptions): () => void {
  let done = 0;
  const every = options.progressEvery ?? 50_000;
  return () => {
    done += 1;
    if (options.onProgress && done % every === 0) options.onProgress(done);
  };
}

const clientInputs = frameTextArb(allClientSamples(), [...CLIENT_FRAME_TYPES]);
const serverInputs = fc.oneof(
  frameTextArb(allServerSamples(), [...SERVER_FRAME_TYPES]),
  // Mutations inside the event payload (discriminated by `type`).
  frameTextArb(EVENT_SAMPLES, [...SERVER_FRAME_TYPES]).map((evtText) => `{"t":"evt","seq":1,"evt":${evtText}}`),
);

/** `decodeClientFrame` over `numRuns` inputs. */
export function fuzzClientDecoder(options: FuzzRunOptions): void {
  const tick = counter(options);
  checkProperty(
    fc.property(clientInputs, (text) => {
      tick();
      assertDecoderAnswer(text, decodeClientFrame(text), CLIENT_FRAME_TYPES, decodeClientFrame);
    }),
    { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
}

/** `decodeServerFrame` over `numRuns` inputs. */
export function fuzzServerDecoder(options: FuzzRunOptions): void {
  const tick = counter(options);
  checkProperty(
    fc.property(serverInputs, (text) => {
      tick();
      assertDecoderAnswer(text, decodeServerFrame(text), SERVER_FRAME_TYPES, decodeServerFrame);
    }),
    { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
}
