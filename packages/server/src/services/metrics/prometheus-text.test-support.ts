/** Test support: `/metrics` text parsed by an independent Prometheus text-format parser, and lookups. */
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';

export type ParsedMetrics = Map<string, ParsedFamily>;

/** Parses the exposition text; throws when a family appears twice (the parser would merge nothing). */
export function parseMetrics(text: string): ParsedMetrics {
  const families = new Map<string, ParsedFamily>();
  for (const family of parsePrometheusTextFormat(text)) {
    if (families.has(family.name)) throw new Error(`metric family ${family.name} appears twice`);
    families.set(family.name, family);
  }
  return families;
}

function matches(sample: ParsedSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value);
}

/** The value of the counter / gauge sample of `name` with `labels` (0 when absent). */
export function sampleValue(metrics: ParsedMetrics, name: string, labels: Record<string, string> = {}): number {
  const sample = metrics.get(name)?.metrics.find((s) => matches(s, labels));
  return sample?.value === undefined ? 0 : Number(sample.value);
}

/** The observation count of histogram `name` (0 when absent). */
export function histogramCount(metrics: ParsedMetrics, name: string, labels: Record<string, string> = {}): number {
  const sample = metrics.get(name)?.metrics.find((s) => matches(s, labels));
  return sample?.count === undefined ? 0 : Number(sample.count);
}
