/** A call's quality samples as CSV (one row per sample; the call page's "CSV export"). */
import type { QualitySample } from '../../ports/index.js';

export const SAMPLE_CSV_COLUMNS = [
  'at',
  'userId',
  'deviceId',
  'kind',
  'direction',
  'peerUserId',
  'bitrateKbps',
  'packetLossPct',
  'jitterMs',
  'rttMs',
  'fps',
  'width',
  'height',
  'freezeCount',
  'freezeMs',
  'limitation',
  'candidateType',
  'mos',
] as const satisfies readonly (keyof QualitySample)[];

/** RFC 4180 quoting; a leading `= + - @` is prefixed with `'` so a spreadsheet never runs it as a formula. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function samplesToCsv(samples: readonly QualitySample[]): string {
  const lines = [SAMPLE_CSV_COLUMNS.join(',')];
  for (const sample of samples) {
    lines.push(SAMPLE_CSV_COLUMNS.map((column) => (column === 'at' ? new Date(sample.at).toISOString() : cell(sample[column]))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
