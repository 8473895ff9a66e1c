import { describe, expect, it, vi } from 'vitest';
import { SessionSweeper, type Sweepable } from './session-sweeper.js';

describe('SessionSweeper', () => {
  it('sweeps every member with one clock reading, survives a throwing member and a member leaving mid-sweep', () => {
    const errors: unknown[] = [];
    const sweeper = new SessionSweeper(
      1000,
      (error) => errors.push(error),
      () => 42,
    );
    const seen: number[] = [];
    const leaver: Sweepable = {
      sweep: (now) => {
        seen.push(now);
        sweeper.delete(leaver);
      },
    };
    const thrower: Sweepable = {
      sweep: () => {
        throw new Error('boom');
      },
    };
    const steady: Sweepable = { sweep: (now) => seen.push(now) };
    sweeper.add(leaver);
    sweeper.add(thrower);
    sweeper.add(steady);
    sweeper.sweepAll();
    sweeper.sweepAll();
    expect(seen).toEqual([42, 42, 42]);
    expect(errors).toHaveLength(2);
    expect(sweeper.size).toBe(2);
    sweeper.stop();
  });

  it('runs one timer while it has members and none once empty', () => {
    vi.useFakeTimers();
    try {
      const sweeper = new SessionSweeper(1000, () => {});
      const member = { sweep: vi.fn() };
      sweeper.add(member);
      sweeper.add({ sweep: vi.fn() });
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(2500);
      expect(member.sweep).toHaveBeenCalledTimes(2);
      sweeper.delete(member);
      expect(vi.getTimerCount()).toBe(1);
      sweeper.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
