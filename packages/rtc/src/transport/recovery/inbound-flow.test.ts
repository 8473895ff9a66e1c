import { describe, expect, it } from 'vitest';
import { InboundFlow, STALL_MS } from './inbound-flow.js';

describe('InboundFlow', () => {
  it('reports a stall once after packets stopped for STALL_MS, and the resumption', () => {
    const flow = new InboundFlow();
    expect(flow.sample(0, 0, true)).toBeUndefined();
    expect(flow.sample(50, 500, true)).toBeUndefined();
    expect(flow.flowing(500)).toBe(true);
    expect(flow.sample(50, 500 + STALL_MS - 1, true)).toBeUndefined();
    expect(flow.sample(50, 500 + STALL_MS, true)).toBe('stalled');
    expect(flow.sample(50, 500 + 3 * STALL_MS, true)).toBeUndefined();
    expect(flow.flowing(500 + 3 * STALL_MS)).toBe(false);
    expect(flow.sample(60, 500 + 4 * STALL_MS, true)).toBe('resumed');
  });

  it('never stalls before the first packet or while no media is expected', () => {
    const flow = new InboundFlow();
    expect(flow.sample(0, 0, true)).toBeUndefined();
    expect(flow.sample(0, 10 * STALL_MS, true)).toBeUndefined();
    expect(flow.sample(5, 11 * STALL_MS, false)).toBeUndefined();
    expect(flow.sample(5, 20 * STALL_MS, false)).toBeUndefined();
  });
});
