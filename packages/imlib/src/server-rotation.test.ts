import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INITIAL_ROTATION, type RotationEvent, type RotationState, rotate } from './server-rotation.js';

const s = (index: number, roundStart: number, answered: number): RotationState => ({ index, roundStart, answered });

describe('rotate', () => {
  it.each<[string, RotationState, RotationEvent, number, RotationState, boolean]>([
    ['first connect starts at the first server', INITIAL_ROTATION, 'connect', 3, s(0, 0, 0), false],
    ['a connect starts at the server that answered last', s(0, 0, 2), 'connect', 3, s(2, 2, 2), false],
    ['a failure moves to the next server at once', s(0, 0, 0), 'failed', 3, s(1, 0, 0), false],
    ['the next server wraps around the list', s(2, 1, 1), 'failed', 3, s(0, 1, 1), false],
    ['back at the round start: the round is over, wait', s(2, 0, 0), 'failed', 3, s(0, 0, 0), true],
    ['one server: every failure ends a round', s(0, 0, 0), 'failed', 1, s(0, 0, 0), true],
    ['a drop starts a round at the next server, after a wait', s(1, 1, 1), 'dropped', 3, s(2, 2, 1), true],
    ['a drop on the last server goes to the first', s(2, 2, 2), 'dropped', 3, s(0, 0, 2), true],
    ['one server: a drop retries it after a wait', s(0, 0, 0), 'dropped', 1, s(0, 0, 0), true],
    ['welcome remembers the server and restarts the round there', s(2, 0, 0), 'welcome', 3, s(2, 2, 2), false],
  ])('%s', (_name, from, event, count, to, wait) => {
    expect(rotate(from, event, count)).toEqual({ state: to, wait });
  });

  /** The servers tried after `start`, and where a backoff wait falls ('|'), for `failures` failed attempts. */
  function order(start: RotationEvent, from: RotationState, count: number, failures: number): string {
    let { state } = rotate(from, start, count);
    const tried: string[] = [];
    for (let i = 0; i < failures; i += 1) {
      tried.push(String(state.index));
      const step = rotate(state, 'failed', count);
      if (step.wait) tried.push('|');
      state = step.state;
    }
    return tried.join(' ');
  }

  it.each<[string, RotationEvent, RotationState, number, number, string]>([
    ['first connect, three servers down', 'connect', INITIAL_ROTATION, 3, 3, '0 1 2 |'],
    ['drop from server 0, all down: round 1 2 0, then again', 'dropped', s(0, 0, 0), 3, 6, '1 2 0 | 1 2 0 |'],
    ['drop from server 1 of 2', 'dropped', s(1, 1, 1), 2, 4, '0 1 | 0 1 |'],
    ['one server', 'dropped', s(0, 0, 0), 1, 3, '0 | 0 | 0 |'],
  ])('order: %s', (_name, start, from, count, failures, expected) => {
    expect(order(start, from, count, failures)).toBe(expected);
  });

  it('every round tries each server exactly once, then waits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.constantFrom<RotationEvent>('connect', 'dropped'), (count, seed, start) => {
        const at = seed % count;
        let { state } = rotate(s(at, at, at), start, count);
        for (let round = 0; round < 3; round += 1) {
          const seen = new Set<number>();
          for (let i = 0; i < count; i += 1) {
            seen.add(state.index);
            const step = rotate(state, 'failed', count);
            expect(step.wait).toBe(i === count - 1);
            state = step.state;
          }
          expect(seen.size).toBe(count);
        }
      }),
    );
  });
});
