/**
 * Steps shared by the e2e tests in which a server dies under a 1:1 video call (server-restart,
 * cluster-failover): placing the call, checking video keeps being decoded, checking nobody's call
 * ended, hanging up with HANGUP / REMOTE_HANGUP, and printing `[e2e-timing]` lines.
 */
import { expect } from 'vitest';
import { MediaType, type SdkUser } from './sdk-user.js';

/** RCCallEndReason values (reference D.2). */
export const Reason = { HANGUP: 3, REMOTE_HANGUP: 13 } as const;
/** RCCallSessionState.KEEPING (reference D.4). */
export const KEEPING = 1;
/** RCConnectionStatus.CONNECTED. */
export const IM_CONNECTED = 0;

/** `caller` dials `callee` (audio + video), who answers; resolves once both decode 30 frames of each other. */
export async function placeVideoCall(caller: SdkUser, callee: SdkUser): Promise<string> {
  const callId = await caller.call(callee.userId, MediaType.AUDIO_VIDEO);
  await callee.waitFor({ name: 'onSession', callId });
  await callee.accept(callId);
  await caller.waitFor({ name: 'onAccept', sender: callee.userId, callId });
  await bothDecode(caller, callee, 30);
  return callId;
}

/** Both users decode `frames` more frames of each other's video within `timeoutMs`. */
export async function bothDecode(a: SdkUser, b: SdkUser, frames: number, timeoutMs = 20_000): Promise<void> {
  await Promise.all([a.waitForRemoteFrames(b.userId, frames, timeoutMs), b.waitForRemoteFrames(a.userId, frames, timeoutMs)]);
}

/** Neither user saw its call end (no onHungup, no onSessionClose) and both sessions are still KEEPING. */
export async function expectCallGoesOn(callId: string, ...users: SdkUser[]): Promise<void> {
  for (const user of users) {
    const ends = (await user.log()).filter((e) => e.name === 'onHungup' || e.name === 'onSessionClose');
    expect(ends, `${user.userId}: the call ended`).toEqual([]);
    expect(await user.page.evaluate((id) => window.__e2e.state(id), callId), `${user.userId}: session state`).toBe(KEEPING);
  }
}

/** The caller hangs up: the callee hears REMOTE_HANGUP from the caller; the summaries say 3 and 13. Resolves with the caller's close time. */
export async function hangUpAndCheck(caller: SdkUser, callee: SdkUser, callId: string, timeoutMs = 15_000): Promise<number> {
  await caller.hangup(callId);
  const hungup = await callee.waitFor({ name: 'onHungup', callId }, timeoutMs);
  expect(hungup).toMatchObject({ sender: caller.userId, reason: Reason.REMOTE_HANGUP });
  const callerClose = await caller.waitFor({ name: 'onSessionClose', callId }, timeoutMs);
  const calleeClose = await callee.waitFor({ name: 'onSessionClose', callId }, timeoutMs);
  expect(callerClose.endReason, `${caller.userId}: end reason`).toBe(Reason.HANGUP);
  expect(calleeClose.endReason, `${callee.userId}: end reason`).toBe(Reason.REMOTE_HANGUP);
  expect(callerClose.duration).toBeGreaterThan(0);
  return callerClose.at;
}

/** Prints one `[e2e-timing]` line (the lead's report collects them). */
export function printTiming(label: string, values: Record<string, number>): void {
  console.log(`[e2e-timing] ${JSON.stringify({ label, ...values })}`);
}
