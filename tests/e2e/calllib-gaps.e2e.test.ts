/**
 * The media half of the last CallLib gaps (issue 12, item 4) in real Chromium through the real server:
 * enableVideoTrack's mute → publish → unmute sequence as the peer sees it, and onRTCStateReport as one
 * report per session merging the peer connections of a 3-person mesh, at the configured interval,
 * with its iceCandidatePair. The logic gaps run headless in tests/integration/calllib-gaps.test.ts.
 * Mesh (`OPENCALL_SFU=off`), 320×240 at 15 fps; the whole file stays under 60 s.
 */
import { RCFrameRate, RCResolution } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLogEntry, CallConstraintsJson, ReportTrackJson } from './harness/agent-types.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';
import { MediaType, type SdkUser } from './harness/sdk-user.js';

const SMALL_VIDEO: CallConstraintsJson = { video: { resolution: RCResolution.W320_H240, frameRate: RCFrameRate.FPS_15 } };
const REPORT_INTERVAL_MS = 400;

/** Polls `user`'s log (bounded) until an entry of `name` satisfies `predicate`. */
async function waitForEntry(
  user: SdkUser,
  name: string,
  predicate: (entry: AgentLogEntry, all: AgentLogEntry[]) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<AgentLogEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await user.events({ name });
    const found = entries.find((e) => predicate(e, entries));
    if (found) return found;
    if (Date.now() > deadline) {
      const tail = entries.slice(-5).map((e) => `  ${JSON.stringify(e)}`);
      throw new Error(`${user.userId}: no ${name} (${what}) within ${timeoutMs} ms. Last entries:\n${tail.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('CallLib gaps with real media', () => {
  let env: E2eEnv;

  beforeAll(async () => {
    env = await startE2eEnv({ label: 'calllib-gaps', budgetMs: 60_000, serverEnv: { OPENCALL_SFU: 'off' } });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('enableVideoTrack (isOffCameraWhenVideoDisable): the peer gets onVideoMuteChange(muted: false), then onTrackReady, then frames', async () => {
    const [a, b] = await Promise.all([env.openSdkUser('cam-a'), env.openSdkUser('cam-b')]);
    const callId = await a.call(b.userId, MediaType.AUDIO_VIDEO, SMALL_VIDEO);
    await b.waitFor({ name: 'onSession', callId });
    await b.accept(callId, SMALL_VIDEO);
    await b.waitForRemoteFrames(a.userId, 5);

    const disabledAt = Date.now();
    await a.media(callId, 'disableVideoTrack');
    await waitForEntry(b, 'onVideoMuteChange', (e) => e.at >= disabledAt && e.muted === true, 'camera off');

    const enabledAt = Date.now();
    await a.media(callId, 'enableVideoTrack');
    const unmuted = await waitForEntry(b, 'onVideoMuteChange', (e) => e.at >= enabledAt && e.muted === false, 'camera on', 8_000);
    expect(unmuted).toMatchObject({ userId: a.userId, kind: 'video', muted: false, callId });
    const ready = await waitForEntry(b, 'onTrackReady', (e) => e.at >= enabledAt && !e.local && e.kind === 'video', 'the new track', 8_000);
    expect(ready).toMatchObject({ userId: a.userId, callId });
    // In the order CallLib's mute → publish → unmute produces: the unmute, then the new track.
    const log = (await b.events({})).filter((e) => e.at >= enabledAt);
    const unmuteAt = log.findIndex((e) => e.name === 'onVideoMuteChange' && e.muted === false);
    const readyAt = log.findIndex((e) => e.name === 'onTrackReady' && !e.local && e.kind === 'video');
    expect(unmuteAt).toBeGreaterThanOrEqual(0);
    expect(unmuteAt, `b's log after enableVideoTrack: ${log.map((e) => e.name).join(', ')}`).toBeLessThan(readyAt);
    await b.waitForRemoteFrames(a.userId, 10);

    await a.hangup(callId);
    await Promise.all([a, b].map((u) => u.waitFor({ name: 'onSessionClose', callId })));
    await Promise.all([a, b].map((u) => u.page.context().close()));
  });

  it('onRTCStateReport: one report per session every statsReportInterval, merging both mesh connections, with iceCandidatePair', async () => {
    const rtcOptions = { statsReportInterval: REPORT_INTERVAL_MS };
    const [a, b, c] = await Promise.all([
      env.openSdkUser('rep-a', rtcOptions),
      env.openSdkUser('rep-b', rtcOptions),
      env.openSdkUser('rep-c', rtcOptions),
    ]);
    const groupId = 'rep-team';
    const created = await env.server.signedPost('/group/create.json', { groupId, groupName: 'r', userId: [a, b, c].map((u) => u.userId) });
    expect(created.body.code).toBe(200);
    const callId = await a.callInGroup(groupId, [b.userId, c.userId], MediaType.AUDIO_VIDEO, SMALL_VIDEO);
    for (const callee of [b, c]) {
      await callee.waitFor({ name: 'onSession', callId });
      await callee.accept(callId, SMALL_VIDEO);
    }
    await Promise.all([a.waitForRemoteFrames(b.userId, 5), a.waitForRemoteFrames(c.userId, 5)]);

    const fromBoth = (e: AgentLogEntry) => {
      const receivers = (e.receivers as ReportTrackJson[] | null) ?? [];
      return [b, c].every((peer) => receivers.some((r) => r.kind === 'video' && r.trackId.startsWith(peer.userId) && r.bitrate > 0));
    };
    const first = await waitForEntry(a, 'onRTCStateReport', (e) => fromBoth(e) && e.pair !== null, 'a merged report', 10_000);
    expect(first.callId).toBe(callId);
    expect(String(first.pcName).split(',').sort()).toEqual([b.userId, c.userId].sort());
    expect((first.senders as ReportTrackJson[]).some((s) => s.kind === 'video')).toBe(true);
    const pair = first.pair as Record<string, unknown>;
    expect(pair.IP).toMatch(/^(127\.|::1$)/);
    expect(pair.remoteIP).toMatch(/^(127\.|::1$)/);
    expect(pair.port).toBeGreaterThan(0);
    expect(pair.remotePort).toBeGreaterThan(0);
    expect(pair.protocol).toBe('udp');
    expect(typeof pair.rtt).toBe('number');
    expect(pair.bitrateSend).toBeGreaterThan(0);
    expect(pair.bitrateRecv).toBeGreaterThan(0);

    // One report per interval for the session (not one per connection): count over a 2 s window.
    const windowEnd = first.at + 2000;
    await waitForEntry(a, 'onRTCStateReport', (e) => e.at > windowEnd, 'a report after the window', 5_000);
    const reports = (await a.events({ name: 'onRTCStateReport' })).filter((e) => e.at > first.at && e.at <= windowEnd);
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.length).toBeLessThanOrEqual(6);
    for (const report of reports) expect(String(report.pcName).split(',').length).toBe(2);

    await a.hangup(callId);
    for (const member of [b, c]) await member.hangup(callId);
    await Promise.all([a, b, c].map((u) => u.waitFor({ name: 'onSessionClose', callId })));
    await Promise.all([a, b, c].map((u) => u.page.context().close()));
  });
});
