/** Fuzzing the wire decoders (bounded for CI; `npm run fuzz` runs the same properties at scale). */
import {
  CLIENT_FRAME_TYPES,
  decodeClientFrame,
  decodeServerFrame,
  ErrorCode,
  MAX_FRAME_BYTES,
  SERVER_FRAME_TYPES,
} from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { fuzzClientDecoder, fuzzServerDecoder } from './decoder-properties.js';
import { allServerSamples, CLIENT_SAMPLES, EVENT_SAMPLES, EXTRA_CLIENT_SAMPLES, SERVER_SAMPLES } from './frame-samples.js';
import { fuzzRuns } from './fuzz-runs.js';

describe('frame samples (the fuzz seeds)', () => {
  it('cover every client and server frame type and every server event type', () => {
    expect(Object.keys(CLIENT_SAMPLES).sort()).toEqual([...CLIENT_FRAME_TYPES].sort());
    expect(Object.keys(SERVER_SAMPLES).sort()).toEqual([...SERVER_FRAME_TYPES].sort());
    expect(new Set(EVENT_SAMPLES.map((e) => (e as { type: string }).type)).size).toBe(EVENT_SAMPLES.length);
  });

  it('are all valid', () => {
    for (const sample of [...Object.values(CLIENT_SAMPLES), ...EXTRA_CLIENT_SAMPLES]) {
      expect(decodeClientFrame(JSON.stringify(sample)), JSON.stringify(sample)).toMatchObject({ ok: true });
    }
    for (const sample of allServerSamples()) {
      expect(decodeServerFrame(JSON.stringify(sample)), JSON.stringify(sample)).toMatchObject({ ok: true });
    }
  });
});

describe('decoders never throw and answer with a catalogued code', () => {
  it('decodeClientFrame', () => {
    fuzzClientDecoder({ numRuns: fuzzRuns(3000) });
  });

  it('decodeServerFrame', () => {
    fuzzServerDecoder({ numRuns: fuzzRuns(3000) });
  });

  it('hand-picked hostile inputs', () => {
    const inputs = [
      '',
      'null',
      '"ping"',
      '{"t":"__proto__"}',
      '{"__proto__":{"t":"ping"}}',
      '{"t":"ping","__proto__":{"polluted":1}}',
      '{"t":"call.accept","rid":1e400,"callId":"c"}',
      `{"t":"ping","x":"${'a'.repeat(MAX_FRAME_BYTES)}"}`,
      '['.repeat(10_000),
      '{"t":"constructor"}',
    ];
    for (const text of inputs) {
      for (const decode of [decodeClientFrame, decodeServerFrame]) {
        const decoded = decode(text);
        if (!decoded.ok) expect(Object.values(ErrorCode)).toContain(decoded.code);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
