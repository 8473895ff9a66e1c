import { describe, expect, it } from 'vitest';
import type { QualitySample } from '../../ports/index.js';
import { mediaPathOf } from './live-calls.js';
import { SAMPLE_CSV_COLUMNS, samplesToCsv } from './samples-csv.js';

describe('mediaPathOf', () => {
  it('is the SFU when the room runs on it, else P2P for two and a mesh for more', () => {
    expect(mediaPathOf('sfu', 2)).toBe('sfu');
    expect(mediaPathOf('p2p', 2)).toBe('p2p');
    expect(mediaPathOf(undefined, 1)).toBe('p2p');
    expect(mediaPathOf('p2p', 3)).toBe('mesh');
  });
});

describe('samplesToCsv', () => {
  const sample: QualitySample = {
    userId: 'alice',
    deviceId: 'd1',
    at: Date.UTC(2026, 10, 30, 12, 0, 0),
    kind: 'video',
    direction: 'recv',
    peerUserId: 'bob',
    bitrateKbps: 812.5,
    fps: 30,
    limitation: '=cmd|"x"',
  };

  it('writes a header and one row per sample, empty cells for missing figures', () => {
    const lines = samplesToCsv([sample]).trimEnd().split('\r\n');
    expect(lines[0]).toBe(SAMPLE_CSV_COLUMNS.join(','));
    const cells = lines[1]?.split(',') ?? [];
    expect(cells[0]).toBe('2026-11-30T12:00:00.000Z');
    expect(cells[SAMPLE_CSV_COLUMNS.indexOf('bitrateKbps')]).toBe('812.5');
    expect(cells[SAMPLE_CSV_COLUMNS.indexOf('jitterMs')]).toBe('');
  });

  it('quotes and defuses spreadsheet formulas', () => {
    expect(samplesToCsv([sample])).toContain(`"'=cmd|""x"""`);
  });
});
