/**
 * Call steps shared by the integration tests, whatever the server's storage: an answered 1:1 call,
 * a server killed (SIGKILL) in the middle of one and restarted, and reading the stored record.
 */
import { type IEndSummary, RCCallErrorCode, RCCallMediaType, type RCCallSession } from '@opencall/call';
import type { CallRecord, Storage } from '../../packages/server/src/ports.js';
import { connectHeadless, type HeadlessClient } from './headless-client.js';
import type { ServerProcess } from './server-process.js';
import { startTcpProxy } from './tcp-proxy.js';

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
  /** How the call ended on the caller's and on the callee's client. */
  summaries: [IEndSummary, IEndSummary];
}

/**
 * Two users (connected through a loopback TCP proxy) are in an answered call when the server is
 * killed with SIGKILL; `start(port)` brings it back on the same port. Resolves once both clients
 * saw the call end. Connected clients are pushed to `clients` for the caller's cleanup.
 */
export async function crashDuringCall(
  start: (port?: number) => Promise<ServerProcess>,
  [callerId, calleeId]: [string, string],
  clients: HeadlessClient[],
): Promise<CrashedCall> {
  const first = await start();
  const port = Number(new URL(first.url).port);
  const proxy = await startTcpProxy(port);
  try {
    const a = await connectHeadless(proxy.url, first.appKey, callerId, await first.getToken(callerId));
    const b = await connectHeadless(proxy.url, first.appKey, calleeId, await first.getToken(calleeId));
    clients.push(a, b);
    const { callId } = await placeAnsweredCall(a, b);
    await new Promise((r) => setTimeout(r, 200)); // let the journal write land

    await first.kill('SIGKILL');
    const restarted = await start(port);
    const [closeA, closeB] = await Promise.all([a.waitForClose(callId, 15_000), b.waitForClose(callId, 15_000)]);
    return { callId, restarted, summaries: [closeA.summary, closeB.summary] };
  } finally {
    await proxy.close();
  }
}

/** The stored record of `callId`, polled (the server writes it just after the clients hear the end). */
export async function waitForCallRecord(storage: Storage, appKey: string, callId: string): Promise<CallRecord> {
  for (let i = 0; i < 50; i += 1) {
    const record = await storage.calls.get(appKey, callId);
    if (record) return record;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no record for ${callId} after 2.5 s`);
}
