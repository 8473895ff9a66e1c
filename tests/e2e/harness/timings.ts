/** Per-call latency records; printed with a stable `[e2e-timing]` prefix for the lead's report. */
import type { SdkUser } from './sdk-user.js';

export interface CallTiming {
  label: string;
  /** Caller's `call()` start → callee's `onSession`. */
  dialToSessionMs: number;
  /** Callee's `accept()` start → first presented remote frame, on the caller's side. */
  acceptToCallerFrameMs: number | null;
  /** Callee's `accept()` start → first presented remote frame, on the callee's side. */
  acceptToCalleeFrameMs: number | null;
}

const recorded: CallTiming[] = [];

/** Reads the marks both pages recorded during one call (after both remote videos decoded). */
export async function measureCall(label: string, callId: string, caller: SdkUser, callee: SdkUser): Promise<CallTiming> {
  const { dialAt } = await caller.marks();
  const { acceptAt } = await callee.marks();
  const session = await callee.waitFor({ name: 'onSession', callId }, 1_000);
  const callerFrame = await caller.remoteFirstFrameAt(callee.userId);
  const calleeFrame = await callee.remoteFirstFrameAt(caller.userId);
  if (dialAt === undefined || acceptAt === undefined) throw new Error(`${label}: dial or accept mark missing`);
  const timing: CallTiming = {
    label,
    dialToSessionMs: session.at - dialAt,
    acceptToCallerFrameMs: callerFrame === null ? null : callerFrame - acceptAt,
    acceptToCalleeFrameMs: calleeFrame === null ? null : calleeFrame - acceptAt,
  };
  recorded.push(timing);
  console.log(`[e2e-timing] ${JSON.stringify(timing)}`);
  return timing;
}

/** Prints every timing recorded in this file as a table. */
export function printTimings(title: string): void {
  if (recorded.length === 0) return;
  const ms = (n: number | null) => (n === null ? '-' : `${n} ms`);
  const lines = recorded.map(
    (t) =>
      `  ${t.label.padEnd(28)} dial→onSession ${ms(t.dialToSessionMs).padStart(8)}   accept→first remote frame: caller ${ms(
        t.acceptToCallerFrameMs,
      ).padStart(8)}, callee ${ms(t.acceptToCalleeFrameMs).padStart(8)}`,
  );
  console.log(`[e2e-timing] ${title}\n${lines.join('\n')}`);
}
