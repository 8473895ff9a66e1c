/**
 * Call steps shared by the integration tests, whatever the server's storage: an answered 1:1 call,
 * a server killed (SIGKILL) in the middle of one and restarted (the call goes on), and reading the
 * stored record.
 */
import { type IEndSummary, RCCallErrorCode, RCCallMediaType, type RCCallSession } from '@opencall/call';
import { RCConnectionStatus } from '@opencall/protocol';
import type { CallRecord, Storage } from '../../packages/server/src/ports/index.js';
import { connectHeadless, type HeadlessClient, type RecordedCallback } from './headless-client.js';
import type { ServerProcess } from './server-process.js';

export interface AnsweredCall {
  callId: string;
  callerSession: RCCallSession;
  calleeSession: RCCallSession;
}

/** `caller` calls `callee`, who answers; resolves once the caller saw the answer. */
export async function placeAnsweredCall(
  caller: HeadlessClient,
  callee: HeadlessClient,
  mediaType = RCCallMediaType.AUDIO,
): Promise<AnsweredCall> {
  const placed = await caller.client.call({ targetId: callee.userId, mediaType, listener: caller.listener() });
  if (placed.code !== RCCallErrorCode.SUCCESS || !placed.session) throw new Error(`call refused: code ${placed.code}`);
  const callId = placed.session.getSessionId();
  await callee.waitFor('onSession', (c) => c.sessionId === callId);
  const calleeSession = callee.sessions.find((s) => s.getSessionId() === callId)!;
  const accepted = await calleeSession.accept();
  if (accepted.code !== RCCallErrorCode.SUCCESS) throw new Error(`accept failed: code ${accepted.code}`);
  await caller.waitFor('onAccept', (c) => c.sessionId === callId);
  return { callId, callerSession: placed.session, calleeSession };
}

export interface CrashedCall {
  callId: string;
  /** The server started again after the crash (on the same port). */
  restarted: ServerProcess;
  /** Callbacks that closed a session between the crash and the hang-up (none expected). */
  closedDuringRestart: IEndSummary[];
  /** How the call ended on the caller's and on the callee's client, after the caller hung up. */
  summaries: [IEndSummary, IEndSummary];
}

/**
 * Resolves once the client's IM connection is up again (after the server it used went away). With
 * `since` (`client.connections()` read before the server went away) it waits for a later `CONNECTED`
 * event, which also counts a drop and reconnect too quick to be seen by polling the status.
 */
export async function reconnected(client: HeadlessClient, timeoutMs = 15_000, since?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const connected = () => client.im.getConnectionStatus() === RCConnectionStatus.CONNECTED;
  if (since !== undefined) {
    while (!(client.connections() > since && connected()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (client.connections() > since && connected()) return;
    throw new Error(`${client.userId} did not reconnect within ${timeoutMs} ms`);
  }
  // Wait for the drop to be noticed first, then for the new connection.
  while (connected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  while (!connected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!connected()) throw new Error(`${client.userId} did not reconnect within ${timeoutMs} ms`);
}

/** Resolves once `client` has a remote track of `callId` (a mute change is only reported for one). */
export async function remoteTrackReady(client: HeadlessClient, callId: string, timeoutMs = 10_000): Promise<void> {
  await client.waitFor(
    'onTrackReady',
    (c) => c.sessionId === callId && !(c.args[0] as { isLocalTrack(): boolean }).isLocalTrack(),
    timeoutMs,
  );
}

/**
 * `session` mutes then unmutes its audio; resolves once `peer` saw both changes (recorded after this
 * call started). Proves the server relays signals of that call right now — the positive event a test
 * awaits instead of sleeping for "no wrong end showed up".
 */
export async function muteReachesPeer(session: RCCallSession, peer: HeadlessClient, timeoutMs = 10_000): Promise<void> {
  const since = peer.callbacks.length;
  const muteChange = (muted: boolean) => (c: RecordedCallback) =>
    peer.callbacks.indexOf(c) >= since && (c.args[0] as { muted?: boolean } | undefined)?.muted === muted;
  await session.disableAudioTrack();
  await peer.waitFor('onAudioMuteChange', muteChange(true), timeoutMs);
  await session.enableAudioTrack();
  await peer.waitFor('onAudioMuteChange', muteChange(false), timeoutMs);
}

/**
 * Two users are in an answered call when the server is killed with SIGKILL; `start(port)` brings it
 * back on the same port (same storage). Both SDKs reconnect and resync; then the caller hangs up.
 * Resolves with how the call ended on both clients. Connected clients are pushed to `clients`.
 */
export async function crashDuringCall(
  start: (port?: number) => Promise<ServerProcess>,
  [callerId, calleeId]: [string, string],
  clients: HeadlessClient[],
): Promise<CrashedCall> {
  const first = await start();
  const port = Number(new URL(first.url).port);
  const a = await connectHeadless(first.url, first.appKey, callerId, await first.getToken(callerId));
  const b = await connectHeadless(first.url, first.appKey, calleeId, await first.getToken(calleeId));
  clients.push(a, b);
  const { callId, callerSession } = await placeAnsweredCall(a, b);
  // Mid-call means media negotiated: a crash in the middle of the offer/answer is another case (the
  // signal may sit in the dead server's memory only) that this step does not cover.
  await Promise.all([remoteTrackReady(a, callId), remoteTrackReady(b, callId)]);

  await first.kill('SIGKILL');
  const restarted = await start(port);
  await Promise.all([reconnected(a), reconnected(b)]);
  // A wrong end would reach the devices on their resync; instead each side's mute must reach the
  // other through the restarted server (which only relays it for a call it still has).
  await muteReachesPeer(callerSession, b);
  await muteReachesPeer(b.sessions.find((s) => s.getSessionId() === callId)!, a);
  const closedDuringRestart = [...a.closes, ...b.closes].filter((c) => c.session.getSessionId() === callId).map((c) => c.summary);

  await callerSession.hungup();
  const [closeA, closeB] = await Promise.all([a.waitForClose(callId, 10_000), b.waitForClose(callId, 10_000)]);
  return { callId, restarted, closedDuringRestart, summaries: [closeA.summary, closeB.summary] };
}

/**
 * The stored record of `callId`, polled (the server writes it just after the clients hear the end;
 * a loaded CI machine — other suites busy on the same Postgres — can take seconds).
 */
export async function waitForCallRecord(storage: Storage, appKey: string, callId: string, timeoutMs = 10_000): Promise<CallRecord> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 1000 && Date.now() < deadline; i += 1) {
    const record = await storage.calls.get(appKey, callId);
    if (record) return record;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no record for ${callId} after ${timeoutMs} ms`);
}
