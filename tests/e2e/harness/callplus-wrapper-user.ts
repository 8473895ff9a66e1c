/**
 * A user on a CallPlus-wrapper page: a page at the server's origin that loads RongIMLib.js, RCRTC.js,
 * CallPlus.js and CallPlusWrapper.js from /sdk/ (no RCCall.js), driven by callplus-wrapper-agent.js.
 * Log, waits and frame counts are the page agent's, through an `SdkUser` on the same page.
 */
import { fileURLToPath } from 'node:url';
import type { AgentLogEntry, AgentQuery } from './agent-types.js';
import type { E2eEnv } from './e2e-env.js';
import { SdkUser } from './sdk-user.js';

const agentPath = fileURLToPath(new URL('./callplus-wrapper-agent.js', import.meta.url));

/** The migrated app's script tags, in the seed's order ("使用 CDN 方式集成"), served by the OpenCall server. */
const BUNDLES = ['/sdk/RongIMLib.js', '/sdk/RCRTC.js', '/sdk/CallPlus.js', '/sdk/CallPlusWrapper.js'] as const;

const SUCCESS = 10_000;

interface WrapperDriver {
  connect(o: { appKey: string; token: string; navigators: string[] }): Promise<{ code: number; userId: string | null }>;
  call(o: { targetId: string; mediaType: number }): Promise<{ code: number; callId: string | null }>;
  accept(callId?: string): Promise<{ code: number }>;
  hangup(callId?: string): Promise<{ code: number }>;
}

declare global {
  interface Window {
    __callPlusWrapper: WrapperDriver;
  }
}

export class CallPlusWrapperUser {
  private constructor(
    readonly userId: string,
    /** Log, waits and frame counters of the page agent. */
    readonly agent: SdkUser,
  ) {}

  /**
   * Opens a page of the server's origin that has no SDK (`/healthz`), adds the four script tags one
   * after the other, then the driver, and connects. (A page the test would serve itself is not of a
   * local address, and Chromium then blocks its WebSocket to 127.0.0.1.)
   */
  static async open(env: E2eEnv, userId: string): Promise<CallPlusWrapperUser> {
    const { page, consoleLines } = await env.openPage(userId, '/healthz');
    for (const url of BUNDLES) await page.addScriptTag({ url });
    await page.addScriptTag({ path: agentPath });
    const user = new CallPlusWrapperUser(userId, new SdkUser(userId, page, consoleLines));
    const token = await env.server.getToken(userId);
    const result = await page.evaluate((o) => window.__callPlusWrapper.connect(o), {
      appKey: env.server.appKey,
      token,
      navigators: [env.server.url],
    });
    if (result.code !== 0) throw new Error(`${userId}: connect failed with code ${result.code}:\n${consoleLines.slice(-20).join('\n')}`);
    return user;
  }

  async call(targetId: string, mediaType: number): Promise<string> {
    const result = await this.agent.page.evaluate((o) => window.__callPlusWrapper.call(o), { targetId, mediaType });
    if (result.code !== SUCCESS || !result.callId) throw new Error(`${this.userId}: call(${targetId}) returned ${result.code}`);
    return result.callId;
  }

  async accept(callId: string): Promise<void> {
    const { code } = await this.agent.page.evaluate((id) => window.__callPlusWrapper.accept(id), callId);
    if (code !== SUCCESS) throw new Error(`${this.userId}: accept returned ${code}`);
  }

  async hangup(callId: string): Promise<void> {
    const { code } = await this.agent.page.evaluate((id) => window.__callPlusWrapper.hangup(id), callId);
    if (code !== SUCCESS) throw new Error(`${this.userId}: hungup returned ${code}`);
  }

  waitFor(query: AgentQuery, timeoutMs?: number): Promise<AgentLogEntry> {
    return this.agent.waitFor(query, timeoutMs);
  }

  events(query: AgentQuery): Promise<AgentLogEntry[]> {
    return this.agent.events(query);
  }

  waitForRemoteFrames(peerId: string, frames = 30, timeoutMs = 20_000): Promise<{ first: number; last: number }> {
    return this.agent.waitForRemoteFrames(peerId, frames, timeoutMs);
  }
}
