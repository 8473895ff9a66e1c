import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionHealth, SETUP_DEADLINE_MS, type TroubleSensitivity } from './connection-health.js';

/** Just what ConnectionHealth reads of an RTCPeerConnection. */
class FakePeerConnection {
  iceConnectionState: RTCIceConnectionState = 'connected';
  connectionState: RTCPeerConnectionState = 'connected';
  packets = 0;
  async getStats(): Promise<Map<string, unknown>> {
    return new Map([['in', { type: 'inbound-rtp', packetsReceived: this.packets }]]);
  }
}

function setup(sensitivity: TroubleSensitivity, expectsMedia = true, iceState: RTCIceConnectionState = 'connected') {
  const pc = new FakePeerConnection();
  pc.iceConnectionState = iceState;
  const events: string[] = [];
  const health = new ConnectionHealth(
    pc as unknown as RTCPeerConnection,
    () => expectsMedia,
    { trouble: (reason) => events.push(`trouble: ${reason}`), healthy: () => events.push('healthy') },
    sensitivity,
  );
  health.start();
  return { pc, health, events };
}

/** Advances fake time in sample-sized steps so the async stats reads settle in between. */
async function run(ms: number, onStep: () => void = () => {}): Promise<void> {
  for (let t = 0; t < ms; t += 250) {
    onStep();
    await vi.advanceTimersByTimeAsync(250);
  }
}

describe('ConnectionHealth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sensitive: stalled inbound media is trouble once, its return is healthy', async () => {
    const { pc, health, events } = setup('sensitive');
    await run(1000, () => {
      pc.packets += 10;
    });
    expect(health.isHealthy()).toBe(true);
    await run(2000);
    expect(events).toEqual(['trouble: inbound media stopped']);
    expect(health.isHealthy()).toBe(false);
    await run(500, () => {
      pc.packets += 10;
    });
    expect(events).toEqual(['trouble: inbound media stopped', 'healthy']);
    health.stop();
  });

  it('sensitive: ICE disconnected is trouble at once', () => {
    const { pc, health, events } = setup('sensitive');
    pc.iceConnectionState = 'disconnected';
    health.iceStateChanged('disconnected');
    expect(events).toEqual(['trouble: ICE disconnected']);
    health.stop();
  });

  it('tolerant: ignores stalls and short disconnections; long ones and failures are trouble', async () => {
    const { pc, health, events } = setup('tolerant');
    await run(500, () => {
      pc.packets += 10;
    });
    await run(2000);
    pc.iceConnectionState = 'disconnected';
    health.iceStateChanged('disconnected');
    await run(2000);
    pc.iceConnectionState = 'connected';
    health.iceStateChanged('connected');
    await run(3000);
    expect(events.filter((e) => e.startsWith('trouble'))).toEqual([]);
    pc.iceConnectionState = 'disconnected';
    health.iceStateChanged('disconnected');
    await run(4250);
    expect(events.filter((e) => e.startsWith('trouble'))).toEqual(['trouble: ICE disconnected for 4000 ms']);
    pc.iceConnectionState = 'failed';
    health.iceStateChanged('failed');
    expect(events.at(-1)).toBe('trouble: ICE failed');
    health.stop();
  });

  it('with no media expected, a connected ICE is healthy', () => {
    const { health } = setup('sensitive', false);
    expect(health.isHealthy()).toBe(true);
    health.stop();
  });

  it('sensitive: a link that never connects (its offer or answer lost) is trouble once, at the setup deadline', async () => {
    const { health, events } = setup('sensitive', false, 'new');
    await vi.advanceTimersByTimeAsync(SETUP_DEADLINE_MS - 250);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(events).toEqual([`trouble: not connected ${SETUP_DEADLINE_MS} ms after the start`]);
    await vi.advanceTimersByTimeAsync(SETUP_DEADLINE_MS * 2);
    expect(events).toHaveLength(1);
    health.stop();
  });

  it('sensitive: a link that connects in time has no setup trouble; tolerant (SFU) links have no deadline', async () => {
    const early = setup('sensitive', false, 'checking');
    early.pc.iceConnectionState = 'connected';
    early.health.iceStateChanged('connected');
    const sfu = setup('tolerant', false, 'new');
    await vi.advanceTimersByTimeAsync(SETUP_DEADLINE_MS * 2);
    expect(early.events.filter((e) => e.startsWith('trouble'))).toEqual([]);
    expect(sfu.events).toEqual([]);
    early.health.stop();
    sfu.health.stop();
  });
});
