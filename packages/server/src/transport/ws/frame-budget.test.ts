import { describe, expect, it } from 'vitest';
import { type Admission, FLOOD_ALLOWANCE_SECONDS, FrameBudget, type RejectionAnswer } from './frame-budget.js';

function budget(framesPerSecond = 10, errorRepliesPerSecond = 2) {
  const clock = { now: 0 };
  return { clock, budget: new FrameBudget({ framesPerSecond, errorRepliesPerSecond }, () => clock.now) };
}

function count<T extends string>(values: T[]): Partial<Record<T, number>> {
  const counts: Partial<Record<T, number>> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('FrameBudget', () => {
  it('handles a burst of twice the rate, then rejects limited frames; the bucket refills with time', () => {
    const { clock, budget: b } = budget(10);
    const first = Array.from({ length: 25 }, () => b.admit('limited'));
    expect(count<Admission>(first)).toEqual({ handle: 20, reject: 5 });
    clock.now += 500;
    const later = Array.from({ length: 6 }, () => b.admit('limited'));
    expect(count<Admission>(later)).toEqual({ handle: 5, reject: 1 });
  });

  it('answers rejected frames within the error budget (burst twice its rate), then drops them silently', () => {
    const { clock, budget: b } = budget(10, 2);
    const answers = Array.from({ length: 10 }, () => b.rejected());
    expect(answers.slice(0, 4)).toEqual(['reply', 'reply', 'reply', 'reply']);
    expect(answers.slice(4)).toEqual(Array(6).fill('drop'));
    clock.now += 1000;
    expect(b.rejected()).toBe('reply');
  });

  it('closes a connection once its excess passes the flood allowance (FLOOD_ALLOWANCE_SECONDS of the frame rate)', () => {
    const { budget: b } = budget(10, 2);
    const answers: RejectionAnswer[] = [];
    for (let i = 0; i < 1000 && answers.at(-1) !== 'close'; i += 1) answers.push(b.rejected());
    expect(count(answers)).toEqual({ reply: 4, drop: 10 * FLOOD_ALLOWANCE_SECONDS, close: 1 });
  });

  it('never rejects acks and hang-ups: over the limit they count as excess and only a flood of them closes', () => {
    const { clock, budget: b } = budget(10, 2);
    const answers: Admission[] = [];
    for (let i = 0; i < 1000 && answers.at(-1) !== 'close'; i += 1) answers.push(b.admit('never_refused'));
    expect(count(answers)).toEqual({ handle: 20 + 10 * FLOOD_ALLOWANCE_SECONDS, close: 1 });
    // The allowance refills at the frame rate: a client back under the limit is fine again.
    clock.now += 2000;
    expect(b.admit('never_refused')).toBe('handle');
  });

  it('a client at 1.5× the rate is limited but never closed; one at 5× is closed within seconds', () => {
    for (const [perTick, closes] of [
      [15, false],
      [50, true],
    ] as const) {
      // 1000 frames/s = 10 per 10 ms tick.
      const { clock, budget: b } = budget(1000, 200);
      let closedAt: number | undefined;
      for (let ms = 0; ms < 30_000 && closedAt === undefined; ms += 10) {
        clock.now = ms;
        for (let i = 0; i < perTick; i += 1) {
          if (b.admit('limited') === 'reject' && b.rejected() === 'close') closedAt = ms;
        }
      }
      expect(closedAt !== undefined).toBe(closes);
      if (closedAt !== undefined) expect(closedAt).toBeLessThan(5000);
    }
  });
});
