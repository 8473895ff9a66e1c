/** The figures a scenario reports, and the checkable goals attached to them. */

export interface Metric {
  /** Stable name, e.g. `call_setup.dial_to_session.p50`. */
  name: string;
  value: number;
  unit: string;
  /** Same-run baseline (NaN when the figure has none). */
  baseline: number;
  /** value / baseline (NaN when no baseline). */
  ratio: number;
  /** Checkable inequality on `ratio` or `value`, e.g. `ratio<=10`, `value<=20`; '' when none. */
  goal: string;
  /** Whether the goal holds (undefined when there is no goal or the value is missing). */
  met?: boolean;
  /** One line of context: what exactly was measured. */
  note?: string;
}

export interface ScenarioResult {
  scenario: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason?: string;
  durationMs: number;
  metrics: Metric[];
  /** Free-form details (counts, settings) recorded in the JSON. */
  details?: Record<string, unknown>;
}

/** Evaluates a goal like `ratio<=10` or `value>=100000`. */
export function checkGoal(goal: string, value: number, ratio: number): boolean | undefined {
  const match = /^(ratio|value)(<=|>=)(-?[0-9.e+]+)$/.exec(goal);
  if (!match) return undefined;
  const [, subject, op, limit] = match as unknown as [string, 'ratio' | 'value', '<=' | '>=', string];
  const x = subject === 'ratio' ? ratio : value;
  if (!Number.isFinite(x)) return undefined;
  return op === '<=' ? x <= Number(limit) : x >= Number(limit);
}

/** Builds a metric, computing ratio and whether the goal is met. */
export function metric(
  name: string,
  value: number,
  unit: string,
  options: { baseline?: number; goal?: string; note?: string } = {},
): Metric {
  const baseline = options.baseline ?? Number.NaN;
  const ratio = Number.isFinite(baseline) && baseline !== 0 ? value / baseline : Number.NaN;
  const goal = options.goal ?? '';
  const met = goal ? checkGoal(goal, value, ratio) : undefined;
  return {
    name,
    value,
    unit,
    baseline,
    ratio,
    goal,
    ...(met === undefined ? {} : { met }),
    ...(options.note ? { note: options.note } : {}),
  };
}
