import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientFrame } from './codec.js';

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
