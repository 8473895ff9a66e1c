/**
 * Drives the SDK in one user's page through the page agent, the way a CallLib Web app would call it
 * (`RongIMLib.init` → `installPlugin(RCRTC.installer)` → `installPlugin(RCCall.installer)` → `connect`).
 * Every callback lands in the agent's log; tests wait on log entries.
 */
import type { Page } from 'playwright-core';
import type { AgentLogEntry, AgentQuery, CallConstraintsJson, MediaControl, PeerPaths } from './agent-types.js';
import { ensureSdkLoaded } from './chromium.js';
import { firstFrameAt, waitForDecodedFrames } from './frames.js';

/** `RCCallMediaType` values (reference D.3). */
export const MediaType = { AUDIO: 1, AUDIO_VIDEO: 2 } as const;

const SUCCESS = 10_000;

export class SdkUser {
  constructor(
    readonly userId: string,
    readonly page: Page,
    readonly consoleLines: string[] = [],
  ) {}

  /** Selector of the agent's <video> that plays `peerId`'s remote video. */
  static remoteVideo(peerId: string): string {
    return `video[data-e2e-video="remote-${peerId}"]`;
  }

  static readonly localVideo = 'video[data-e2e-video="local"]';

  /** Connects to `server`, or to `navigators` in that order when given (cluster nodes). */
  async connect(
    server: { url: string; appKey: string },
    token: string,
    navigators: string[] = [server.url],
    rtcOptions?: Record<string, unknown>,
  ): Promise<void> {
    await ensureSdkLoaded({ context: this.page.context(), page: this.page, consoleLines: this.consoleLines });
    const result = await this.page.evaluate((o) => window.__e2e.connect(o), {
      appKey: server.appKey,
      token,
      navigators,
      ...(rtcOptions ? { rtcOptions } : {}),
    });
    if (result.code !== 0) throw new Error(`${this.userId}: connect failed with code ${result.code}`);
  }

  /** Dials `targetId`; resolves with the call id once `call()` returned SUCCESS. */
  async call(targetId: string, mediaType: number = MediaType.AUDIO_VIDEO, constraints?: CallConstraintsJson): Promise<string> {
    const options = { targetId, mediaType, ...(constraints ? { constraints } : {}) };
    const result = await this.page.evaluate((o) => window.__e2e.call(o), options);
    if (result.code !== SUCCESS || !result.callId) throw new Error(`${this.userId}: call(${targetId}) returned ${result.code}`);
    return result.callId;
  }

  /** `callInGroup` to `userIds` of group `groupId`; resolves with the call id once it returned SUCCESS. */
  async callInGroup(
    groupId: string,
    userIds: string[],
    mediaType: number = MediaType.AUDIO_VIDEO,
    constraints?: CallConstraintsJson,
  ): Promise<string> {
    const options = { targetId: groupId, userIds, mediaType, ...(constraints ? { constraints } : {}) };
    const result = await this.page.evaluate((o) => window.__e2e.callInGroup(o), options);
    if (result.code !== SUCCESS || !result.callId) throw new Error(`${this.userId}: callInGroup(${groupId}) returned ${result.code}`);
    return result.callId;
  }

  async accept(callId?: string, constraints?: CallConstraintsJson): Promise<void> {
    const { code } = await this.page.evaluate(([id, c]) => window.__e2e.accept(id, c), [callId, constraints] as const);
    if (code !== SUCCESS) throw new Error(`${this.userId}: accept returned ${code}`);
  }

  /** `session.invite(userIds)` (group calls only); throws unless SUCCESS. */
  async invite(callId: string | undefined, userIds: string[]): Promise<void> {
    const { code } = await this.page.evaluate(([id, ids]) => window.__e2e.invite(id, ids), [callId, userIds] as const);
    if (code !== SUCCESS) throw new Error(`${this.userId}: invite(${userIds.join(',')}) returned ${code}`);
  }

  /** Runs a session media control (`descendAbility`, `disableVideoTrack`, ...); throws unless SUCCESS. */
  async media(callId: string | undefined, control: MediaControl): Promise<void> {
    const { code } = await this.page.evaluate(([id, c]) => window.__e2e.media(id, c), [callId, control] as const);
    if (code !== SUCCESS) throw new Error(`${this.userId}: ${control} returned ${code}`);
  }

  /** `session.getMediaType()`. */
  mediaType(callId?: string): Promise<number> {
    return this.page.evaluate((id) => window.__e2e.mediaType(id), callId);
  }

  /** `isReady()` of a track this page saw in onTrackReady (null if it never saw it). */
  trackReady(trackId: string): Promise<boolean | null> {
    return this.page.evaluate((id) => window.__e2e.trackReady(id), trackId);
  }

  /** `session.hungup()`: cancel, reject or hang up, depending on the session's state. */
  async hangup(callId?: string): Promise<void> {
    const { code } = await this.page.evaluate((id) => window.__e2e.hangup(id), callId);
    if (code !== SUCCESS) throw new Error(`${this.userId}: hungup returned ${code}`);
  }

  /** The IM connection status (`RCConnectionStatus`: 0 connected, 1 connecting, 2 disconnected, 3 suspended). */
  imStatus(): Promise<number> {
    return this.page.evaluate(() => window.__e2e.imStatus());
  }

  log(): Promise<AgentLogEntry[]> {
    return this.page.evaluate(() => window.__e2e.log);
  }

  async setLocalBitrate(kind: 'audio' | 'video', maxKbps: number): Promise<void> {
    const found = await this.page.evaluate(([k, max]) => window.__e2e.setLocalBitrate(k, max), [kind, maxKbps] as const);
    if (!found) throw new Error(`${this.userId}: no local ${kind} track to cap`);
  }

  peerPaths(): Promise<PeerPaths> {
    return this.page.evaluate(() => window.__e2e.peerPaths());
  }

  marks(): Promise<{ dialAt?: number; acceptAt?: number }> {
    return this.page.evaluate(() => window.__e2e.marks);
  }

  /** All log entries matching `query`, in order. */
  async events(query: AgentQuery): Promise<AgentLogEntry[]> {
    const log = await this.log();
    return log.filter((entry) => Object.entries(query).every(([key, value]) => entry[key] === value));
  }

  /** Waits (bounded) for the first log entry matching `query`; on timeout the error shows the log. */
  async waitFor(query: AgentQuery, timeoutMs = 10_000): Promise<AgentLogEntry> {
    try {
      await this.page.waitForFunction((q) => window.__e2e.find(q) !== null, query, { timeout: timeoutMs, polling: 50 });
    } catch (error) {
      const log = await this.log().catch(() => []);
      const lines = log.map((e) => `  ${JSON.stringify(e)}`).join('\n');
      const consoleTail = this.consoleLines.slice(-20).join('\n');
      throw new Error(`${this.userId}: no ${JSON.stringify(query)} within ${timeoutMs} ms. Log:\n${lines}\nConsole:\n${consoleTail}`, {
        cause: error,
      });
    }
    const entry = await this.page.evaluate((q) => window.__e2e.find(q), query);
    if (!entry) throw new Error(`${this.userId}: ${JSON.stringify(query)} vanished from the log`);
    return entry;
  }

  /** Waits (bounded) for the first log entry matching `query` recorded at or after `since` (page `Date.now()`). */
  async waitForSince(query: AgentQuery, since: number, timeoutMs = 10_000): Promise<AgentLogEntry> {
    const matches = (entries: AgentLogEntry[]) =>
      entries.find((e) => e.at >= since && Object.entries(query).every(([key, value]) => e[key] === value));
    try {
      await this.page.waitForFunction(
        ([q, t]) => window.__e2e.log.some((e) => e.at >= t && Object.keys(q).every((k) => e[k] === q[k])),
        [query, since] as const,
        { timeout: timeoutMs, polling: 50 },
      );
    } catch (error) {
      const tail = (await this.log().catch(() => [])).filter((e) => e.name !== 'onRTCStateReport').slice(-30);
      throw new Error(
        `${this.userId}: no ${JSON.stringify(query)} since ${since} within ${timeoutMs} ms. Log tail:\n${tail.map((e) => `  ${JSON.stringify(e)}`).join('\n')}`,
        { cause: error },
      );
    }
    const entry = matches(await this.log());
    if (!entry) throw new Error(`${this.userId}: ${JSON.stringify(query)} vanished from the log`);
    return entry;
  }

  /** Waits until the remote video of `peerId` decoded `frames` more frames. */
  waitForRemoteFrames(peerId: string, frames = 30, timeoutMs = 20_000): Promise<{ first: number; last: number }> {
    return waitForDecodedFrames(this.page, SdkUser.remoteVideo(peerId), frames, timeoutMs);
  }

  remoteFirstFrameAt(peerId: string): Promise<number | null> {
    return firstFrameAt(this.page, SdkUser.remoteVideo(peerId));
  }
}
