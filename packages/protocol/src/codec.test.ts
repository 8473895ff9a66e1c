import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientFrame } from './client-frames.js';
import { ErrorCode } from './codes/im-error-code.js';
import { DEVICE_ID_PATTERN } from './primitives.js';

/** The same frame with a space after `{`: never the canonical text, so always through the schema. */
const viaSchema = (text: string) => decodeClientFrame(`{ ${text.slice(1)}`);

describe('decodeClientFrame fast paths (ping, ack)', () => {
  it('decodes the canonical ping like the schema does', () => {
    expect(decodeClientFrame('{"t":"ping"}')).toEqual({ ok: true, value: { t: 'ping' } });
    expect(decodeClientFrame('{"t":"ping"}')).toEqual(viaSchema('{"t":"ping"}'));
  });

  it('gives the schema result for every ack seq spelling', () => {
    const seqs = fc.oneof(
      fc.nat().map(String),
      fc.integer({ min: -1000, max: -1 }).map(String),
      fc.constantFrom('0', '00', '007', '1e3', '1.5', '9007199254740991', '9007199254740993', '999999999999999', '-0', '"1"', 'null'),
      fc.stringMatching(/^[0-9]{1,20}$/),
    );
    fc.assert(
      fc.property(seqs, (seq) => {
        const text = `{"t":"ack","seq":${seq}}`;
        expect(decodeClientFrame(text)).toEqual(viaSchema(text));
      }),
      { numRuns: 500 },
    );
  });

  it('still rejects malformed acks with the catalogued codes', () => {
    const bad = decodeClientFrame('{"t":"ack","seq":007}');
    expect(bad.ok).toBe(false);
    const negative = decodeClientFrame('{"t":"ack","seq":-1}');
    expect(negative.ok).toBe(false);
  });
});

describe('hello deviceId', () => {
  const hello = (deviceId: unknown) => JSON.stringify({ t: 'hello', v: 1, appKey: 'app', token: 'tok', deviceId });

  it('accepts 1–64 characters of A-Z a-z 0-9 . _ : -', () => {
    for (const id of ['d', 'dev-1', 'alice-dev1', '0f8fad5b-d9cb-469f-a165-70867728950e', 'a.b:c_d-E', 'x'.repeat(64)]) {
      expect(decodeClientFrame(hello(id))).toMatchObject({ ok: true, value: { deviceId: id } });
    }
  });

  it('refuses anything else with OC_INVALID_FIELD naming deviceId, and says the frame was a hello', () => {
    for (const id of ['', 'x'.repeat(65), 'has space', 'a/b', 'a\\b', '<img>', 'é', 'line\nbreak', 'a@b', 12, null]) {
      expect(decodeClientFrame(hello(id))).toMatchObject({
        ok: false,
        code: ErrorCode.OC_INVALID_FIELD,
        type: 'hello',
        message: expect.stringContaining('deviceId'),
      });
    }
  });

  it('matches the pattern exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (id) => {
        expect(decodeClientFrame(hello(id)).ok).toBe(DEVICE_ID_PATTERN.test(id));
      }),
      { numRuns: 1000 },
    );
  });
});
