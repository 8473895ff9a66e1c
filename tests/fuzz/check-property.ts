/** Runs a fast-check property and fails with a short report (fuzz inputs can be 100 KB long). */
import fc from 'fast-check';

const MAX_REPORT_CHARS = 1500;

function report(details: fc.RunDetails<unknown>): string {
  const example = JSON.stringify(details.counterexample ?? null);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath ?? ''}")`,
    `counterexample: ${example.length > MAX_REPORT_CHARS ? `${example.slice(0, MAX_REPORT_CHARS)}… (${example.length} chars)` : example}`,
    `cause: ${cause.slice(0, MAX_REPORT_CHARS)}`,
  ].join('\n');
}

export function checkProperty<T>(property: fc.IProperty<T>, params: fc.Parameters<T>): void {
  const details = fc.check(property, params) as fc.RunDetails<T>;
  if (details.failed) throw new Error(report(details as fc.RunDetails<unknown>));
}

export async function checkAsyncProperty<T>(property: fc.IAsyncProperty<T>, params: fc.Parameters<T>): Promise<void> {
  const details = (await fc.check(property, params)) as fc.RunDetails<T>;
  if (details.failed) throw new Error(report(details as fc.RunDetails<unknown>));
}
