import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.js';

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings every interval and stays quiet while frames arrive', () => {
    const ping = vi.fn();
    const silence = vi.fn();
    const heartbeat = new Heartbeat(100, ping, silence);
    heartbeat.start();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(100);
      heartbeat.frameReceived();
    }
    expect(ping).toHaveBeenCalledTimes(5);
    expect(silence).not.toHaveBeenCalled();
    heartbeat.stop();
  });

  it('raises the silence alarm once after two intervals without frames, then stops pinging', () => {
    const ping = vi.fn();
    const silence = vi.fn();
    const heartbeat = new Heartbeat(100, ping, silence);
    heartbeat.start();
    vi.advanceTimersByTime(199);
    expect(silence).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(silence).toHaveBeenCalledTimes(1);
    const pingsAtAlarm = ping.mock.calls.length;
    vi.advanceTimersByTime(1_000);
    expect(ping).toHaveBeenCalledTimes(pingsAtAlarm);
    expect(silence).toHaveBeenCalledTimes(1);
  });

  it('does nothing after stop', () => {
    const ping = vi.fn();
    const silence = vi.fn();
    const heartbeat = new Heartbeat(100, ping, silence);
    heartbeat.start();
    heartbeat.stop();
    vi.advanceTimersByTime(1_000);
    expect(ping).not.toHaveBeenCalled();
    expect(silence).not.toHaveBeenCalled();
  });
});
