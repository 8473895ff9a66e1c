/**
 * Runs teardown steps in order, every one of them: a step that throws (or rejects) is logged and
 * collected, and the steps after it still run — a failing SFU stop must not leave the database open.
 * When any step failed, `runTeardown` rejects at the end with one `TeardownError` naming them all.
 */

export interface TeardownStep {
  /** Shown in logs and in `TeardownError` (e.g. `calls.close`). */
  name: string;
  run(): void | Promise<void>;
}

export interface TeardownFailure {
  step: string;
  error: unknown;
}

export class TeardownError extends Error {
  constructor(readonly failures: readonly TeardownFailure[]) {
    super(`teardown: ${failures.length} step(s) failed: ${failures.map((f) => `${f.step} (${describe(f.error)})`).join(', ')}`);
    this.name = 'TeardownError';
  }
}

export interface TeardownLogger {
  error(obj: object, msg: string): void;
}

export async function runTeardown(steps: readonly TeardownStep[], logger: TeardownLogger): Promise<void> {
  const failures: TeardownFailure[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      logger.error({ err: error, step: step.name }, 'teardown step failed; going on with the next ones');
      failures.push({ step: step.name, error });
    }
  }
  if (failures.length > 0) throw new TeardownError(failures);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
