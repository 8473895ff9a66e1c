import { describe, expect, it } from 'vitest';
import { runTeardown, TeardownError } from './run-teardown.js';

function recordingLogger() {
  const lines: { step: unknown; msg: string }[] = [];
  return { lines, error: (obj: object, msg: string) => lines.push({ step: (obj as { step?: unknown }).step, msg }) };
}

describe('runTeardown', () => {
  it('runs the steps in order, awaiting each', async () => {
    const done: string[] = [];
    await runTeardown(
      [
        { name: 'a', run: () => new Promise<void>((r) => setTimeout(() => r(void done.push('a')), 5)) },
        { name: 'b', run: () => void done.push('b') },
      ],
      recordingLogger(),
    );
    expect(done).toEqual(['a', 'b']);
  });

  it('runs every step after a throwing and a rejecting one, logs both, and rejects with all failures', async () => {
    const done: string[] = [];
    const logger = recordingLogger();
    const thrown = new Error('sync boom');
    const rejected = new Error('async boom');
    const result = runTeardown(
      [
        {
          name: 'first',
          run: () => {
            throw thrown;
          },
        },
        { name: 'second', run: () => Promise.reject(rejected) },
        { name: 'third', run: () => void done.push('third') },
      ],
      logger,
    );
    await expect(result).rejects.toBeInstanceOf(TeardownError);
    const error = (await result.catch((e: unknown) => e)) as TeardownError;
    expect(error.failures).toEqual([
      { step: 'first', error: thrown },
      { step: 'second', error: rejected },
    ]);
    expect(error.message).toBe('teardown: 2 step(s) failed: first (sync boom), second (async boom)');
    expect(done).toEqual(['third']);
    expect(logger.lines.map((l) => l.step)).toEqual(['first', 'second']);
  });
});
