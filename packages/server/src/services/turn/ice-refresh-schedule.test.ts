import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionSweeper } from '../../transport/ws/session-sweeper.js';
import { IceRefreshSchedule } from './ice-refresh-schedule.js';
import { createIceServersFor, iceRefreshIntervalMs } from './turn-credentials.js';

/** Expiry (Unix seconds) in a TURN REST username `expiry:userId`. */
const expiryOf = (username: string | undefined) => Number(username?.split(':')[0]);

describe('IceRefreshSchedule', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_767_225_600_123 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is never due without TURN', () => {
    const schedule = new IceRefreshSchedule(iceRefreshIntervalMs({ urls: [], secret: undefined, ttlS: 3600 }));
    schedule.sent(0);
    expect(schedule.due(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it.each([3600, 600, 10])(
    'TTL %i s: driven by the shared 1 s sweeper, a connected device never holds expired credentials',
    async (ttlS) => {
      const config = { urls: ['turn:127.0.0.1:3478'], secret: 'k', ttlS };
      const iceServersFor = createIceServersFor(config);
      const intervalMs = iceRefreshIntervalMs(config);
      expect(intervalMs).toBe(ttlS * 800);
      const schedule = new IceRefreshSchedule(intervalMs);
      // What the socket session does: credentials in welcome, then fresh ones whenever due.
      let held = iceServersFor('alice')[0]!;
      schedule.sent(Date.now());
      const refreshes: number[] = [];
      const sweeper = new SessionSweeper(1000, (error) => {
        throw error;
      });
      sweeper.add({
        sweep: (now) => {
          if (!schedule.due(now)) return;
          held = iceServersFor('alice')[0]!;
          schedule.sent(now);
          refreshes.push(now);
        },
      });
      const start = Date.now();
      const hours = 3;
      let tightest = Number.POSITIVE_INFINITY;
      for (let t = 0; t < hours * 3_600_000; t += 1000) {
        await vi.advanceTimersByTimeAsync(1000);
        const left = expiryOf(held.username) * 1000 - Date.now();
        tightest = Math.min(tightest, left);
      }
      sweeper.stop();
      // Refreshed at 80 % of the TTL (+ at most one sweep period), so ≥ ~20 % of it is always left.
      expect(tightest).toBeGreaterThan(ttlS * 1000 * 0.2 - 2000);
      // One refresh per interval (a sweep period late at most), no more.
      expect(refreshes.length).toBeGreaterThanOrEqual(Math.floor((hours * 3_600_000) / (intervalMs! + 1000)));
      expect(refreshes.length).toBeLessThanOrEqual(Math.floor((hours * 3_600_000) / intervalMs!));
      expect(refreshes[0]! - start).toBeGreaterThanOrEqual(intervalMs!);
      expect(refreshes[0]! - start).toBeLessThanOrEqual(intervalMs! + 1000);
    },
  );
});
