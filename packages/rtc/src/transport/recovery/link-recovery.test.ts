import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkRecovery, type LinkRecoveryPolicy } from './link-recovery.js';

const POLICY: LinkRecoveryPolicy = { restartWindowMs: 100, maxRestarts: 2, relinkWindowMs: 200, maxRelinks: 3 };

function setup(healthy = () => false) {
  const calls: string[] = [];
  const recovery = new LinkRecovery(
    {
      restartIce: () => calls.push('restart_ice'),
      relink: () => calls.push('relink'),
      recovered: () => calls.push('recovered'),
      giveUp: () => calls.push('give_up'),
      isHealthy: healthy,
      log: () => undefined,
    },
    POLICY,
  );
  return { recovery, calls };
}

describe('LinkRecovery', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts ICE, then makes new connections, then gives up — each bounded', () => {
    const { recovery, calls } = setup();
    recovery.trouble('test');
    recovery.trouble('again'); // already restarting: no second restart
    vi.advanceTimersByTime(2 * POLICY.restartWindowMs + 3 * POLICY.relinkWindowMs);
    expect(calls).toEqual(['restart_ice', 'restart_ice', 'relink', 'relink', 'relink', 'give_up']);
    expect(recovery.state).toBe('lost');
    vi.advanceTimersByTime(10 * POLICY.relinkWindowMs);
    expect(calls).toHaveLength(6);
  });

  it('stops at the first sign of health and counts from zero next time', () => {
    const { recovery, calls } = setup();
    recovery.trouble('test');
    vi.advanceTimersByTime(POLICY.restartWindowMs);
    recovery.healthy();
    expect(recovery.state).toBe('watching');
    recovery.trouble('test');
    vi.advanceTimersByTime(POLICY.restartWindowMs);
    expect(calls).toEqual(['restart_ice', 'restart_ice', 'recovered', 'restart_ice', 'restart_ice']);
  });

  it('a window that passes on a healthy link counts as recovered', () => {
    let healthy = false;
    const { recovery, calls } = setup(() => healthy);
    recovery.trouble('test');
    healthy = true;
    vi.advanceTimersByTime(POLICY.restartWindowMs);
    expect(calls).toEqual(['restart_ice', 'recovered']);
    expect(recovery.state).toBe('watching');
  });

  it("the remote's new connection is waited for, and does not reset this side's count", () => {
    const { recovery, calls } = setup();
    recovery.trouble('test');
    vi.advanceTimersByTime(2 * POLICY.restartWindowMs); // → relink 1
    recovery.remoteRelinked();
    vi.advanceTimersByTime(POLICY.relinkWindowMs); // → relink 2
    recovery.remoteRelinked();
    vi.advanceTimersByTime(2 * POLICY.relinkWindowMs); // → relink 3, then give up
    expect(calls).toEqual(['restart_ice', 'restart_ice', 'relink', 'relink', 'relink', 'give_up']);
  });

  it('close stops every timer', () => {
    const { recovery, calls } = setup();
    recovery.trouble('test');
    recovery.close();
    vi.advanceTimersByTime(10 * POLICY.relinkWindowMs);
    expect(calls).toEqual(['restart_ice']);
    recovery.trouble('after close');
    expect(recovery.state).toBe('closed');
  });
});
