/** Checks on a call's stored detail (`LoadCallDetail` over the server's own SQLite file) for the telemetry e2e tests. */
import { expect } from 'vitest';
import type { CallDetail, Storage } from '../../../packages/server/src/ports/index.js';
import { createLoadCallDetail } from '../../../packages/server/src/services/insights/call-detail.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the stored detail until `ready` holds (bounded). */
export async function detailWhen(storage: Storage, appKey: string, callId: string, ready: (d: CallDetail) => boolean): Promise<CallDetail> {
  const load = createLoadCallDetail({ storage });
  let last: CallDetail | undefined;
  for (let i = 0; i < 60 && !(last && ready(last)); i++) {
    if (i > 0) await sleep(250);
    last = await load(appKey, callId);
  }
  if (!last) throw new Error(`no detail for ${callId}`);
  return last;
}

/** Every participant has samples of each figure, a MOS, and ICE / first-frame setup timings. */
export function complete(detail: CallDetail): boolean {
  // The timeline is written in groups (every 0.5 s): its `end` may land a moment after the hang-up.
  if (!detail.events.some((e) => e.kind === 'end')) return false;
  return detail.participants.every((p) => {
    const own = detail.samples.filter((s) => s.userId === p.userId);
    return (
      p.mos !== undefined &&
      p.setup.acceptToIceConnectedMs !== undefined &&
      p.setup.acceptToFirstFrameMs !== undefined &&
      own.some((s) => s.kind === 'video' && s.direction === 'recv' && s.fps !== undefined)
    );
  });
}

export function expectSeries(detail: CallDetail): void {
  for (const p of detail.participants) {
    const own = detail.samples.filter((s) => s.userId === p.userId);
    const label = `${p.userId}`;
    expect(own.filter((s) => (s.bitrateKbps ?? 0) > 0).length, `${label}: bitrate`).toBeGreaterThan(2);
    expect(own.filter((s) => s.packetLossPct !== undefined).length, `${label}: loss`).toBeGreaterThan(2);
    expect(own.filter((s) => s.jitterMs !== undefined).length, `${label}: jitter`).toBeGreaterThan(2);
    expect(own.filter((s) => s.rttMs !== undefined).length, `${label}: rtt`).toBeGreaterThan(2);
    expect(own.filter((s) => (s.fps ?? 0) > 0).length, `${label}: fps`).toBeGreaterThan(2);
    expect(own.filter((s) => s.mos !== undefined).length, `${label}: mos`).toBeGreaterThan(2);
    expect(p.mos, `${label}: MOS on loopback`).toBeGreaterThan(4);
    expect(p.candidateTypes, `${label}: candidate types`).toContain('host');
    expect(p.setup.acceptToIceConnectedMs, `${label}: accept → ICE`).toBeGreaterThanOrEqual(0);
    expect(p.setup.acceptToFirstFrameMs, `${label}: accept → first frame`).toBeGreaterThanOrEqual(0);
  }
}

/** The kinds appear in this order (each first occurrence), and `end` is the last event. */
export function expectTimeline(detail: CallDetail, order: string[]): void {
  const kinds = detail.events.map((e) => e.kind);
  const positions = order.map((kind) => kinds.indexOf(kind as (typeof kinds)[number]));
  expect(
    positions.every((p) => p >= 0),
    `timeline ${kinds.join(',')}`,
  ).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(kinds.at(-1)).toBe('end');
}
