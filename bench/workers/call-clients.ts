/**
 * Worker holding `pairs` caller/callee pairs of headless CallLib clients (bench/lib/bench-client.ts)
 * against one server, or several (cluster nodes). Caller and callee of a pair live in this process,
 * so every interval is read from one clock (`performance.now()`). Commands arrive over IPC:
 *   connect {url, appKey, pairs, prefix, urls?, layout?} → connected
 *                         (`urls` + `layout`: which node each side connects to first, see `placement`)
 *   setup {windowMs}      → dials spread evenly over windowMs; calls stay up → setup {samples}
 *   sequential {iterations} → one pair, one call at a time → sequential {samples}
 *   hangupAll             → callers hang up, both sides closed → hungup
 *   lifecycles {durationMs, pairs?} → closed loop dial→accept→hang-up per pair (the first `pairs`)
 *                         → lifecycles {completed}
 *   probe {since, deadlineMs, everyMs} → every call set up by `setup`, probed from both sides until
 *                         its owner answers (bench/lib/owner-probe.ts) → probed {calls}
 */
import { RCCallMediaType, type RCCallSession } from '@opencall/call';
import { type BenchClient, connectBenchClient } from '../lib/bench-client.js';
import { probeUntilAnswered } from '../lib/owner-probe.js';
import { tokenMinter } from '../lib/server.js';

interface Pair {
  caller: BenchClient;
  callee: BenchClient;
  callerSession?: RCCallSession;
}

/**
 * Which of `urls` each side of pair `n` connects to first (the others follow in its navigators):
 * `cross` puts caller and callee on different nodes (n mod N and n+1 mod N); `owner` puts every
 * caller — hence every call's owner — on the first node and the callees on the others.
 */
type Layout = 'cross' | 'owner';

function placement(layout: Layout, n: number, count: number): [number, number] {
  if (count === 1) return [0, 0];
  if (layout === 'cross') return [n % count, (n + 1) % count];
  return [0, 1 + (n % (count - 1))];
}

/** `urls` starting at `first`, the rest in order (the SDK's `navigators`). */
const rotated = (urls: string[], first: number) => [...urls.slice(first), ...urls.slice(0, first)];

const send = (m: unknown) => process.send?.(m);
let pairs: Pair[] = [];

async function connectAll(urls: string[], layout: Layout, appKey: string, count: number, prefix: string): Promise<void> {
  const mint = tokenMinter();
  const connectOne = async (userId: string, node: number) => connectBenchClient(rotated(urls, node), appKey, userId, await mint(userId));
  const CONCURRENCY = 50;
  for (let i = 0; i < count; i += CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONCURRENCY, count - i) }, async (_, j) => {
      const n = i + j;
      const [callerNode, calleeNode] = placement(layout, n, urls.length);
      const [caller, callee] = await Promise.all([connectOne(`${prefix}-${n}-a`, callerNode), connectOne(`${prefix}-${n}-b`, calleeNode)]);
      return { caller, callee };
    });
    pairs.push(...(await Promise.all(batch)));
  }
}

interface SetupSample {
  dialToSession: number;
  dialToRinging: number;
  acceptToAccept: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/** One call: dial, callee accepts on onSession; resolves once the caller saw onRinging and onAccept. */
/** Last stage each pair reached (for timeout messages). */
const stages = new WeakMap<Pair, string>();

function placeCall(pair: Pair): Promise<SetupSample> {
  stages.set(pair, 'dialing');
  return new Promise((resolve, reject) => {
    let dialAt = 0;
    let acceptAt = 0;
    let sessionAt = 0;
    let ringingAt = 0;
    let dialed: Promise<unknown> = Promise.resolve();
    let accepted: Promise<unknown> = Promise.resolve();
    // Resolve only once call() and accept() returned too: `callerSession` is this call's session,
    // and a hang-up racing the callee's pending accept() is not what this measures.
    const done = (acceptedAt: number) =>
      Promise.all([dialed, accepted]).then(() =>
        resolve({ dialToSession: sessionAt - dialAt, dialToRinging: ringingAt - dialAt, acceptToAccept: acceptedAt - acceptAt }),
      );
    let calleeSession: RCCallSession | undefined;
    // The callee answers once it has the session AND the caller saw onRinging (invite → ring →
    // accept, as a person would). Accepting inside onSession races the SDK's own call.ringing and
    // sometimes loses the accept (see docs/benchmarks.md).
    const acceptIfReady = () => {
      if (!calleeSession || ringingAt === 0 || acceptAt) return;
      acceptAt = performance.now();
      accepted = calleeSession.accept().then((r) => {
        if (r.code !== 10000) reject(new Error(`accept: ${r.code}`));
      }, reject);
    };
    pair.callee.hooks.onSession = (session) => {
      sessionAt = performance.now();
      stages.set(pair, 'callee onSession');
      calleeSession = session;
      acceptIfReady();
      // The caller's onRinging is sometimes never delivered (an SDK race, see docs/benchmarks.md):
      // answer anyway after 1 s, and record the call as one without ringing.
      setTimeout(() => {
        if (acceptAt) return;
        ringingAt = Number.NaN;
        acceptIfReady();
      }, 1_000);
    };
    pair.caller.hooks.onRinging = () => {
      if (!Number.isNaN(ringingAt)) ringingAt ||= performance.now();
      stages.set(pair, 'caller onRinging');
      acceptIfReady();
    };
    pair.caller.hooks.onAccept = () => {
      const at = performance.now();
      stages.set(pair, 'caller onAccept');
      done(at);
    };
    dialAt = performance.now();
    pair.callerSession = undefined;
    dialed = pair.caller.client
      .call({ targetId: pair.callee.userId, mediaType: RCCallMediaType.AUDIO, listener: pair.caller.listener })
      .then((r) => {
        if (r.code !== 10000 || !r.session) reject(new Error(`call: ${r.code}`));
        else pair.callerSession = r.session;
      }, reject);
  });
}

/** Caller hangs up; resolves when both sides reported onSessionClose. */
function hangUp(pair: Pair): Promise<void> {
  const closed = (client: BenchClient) =>
    new Promise<void>((resolve) => {
      client.hooks.onSessionClose = () => resolve();
    });
  const both = Promise.all([closed(pair.caller), closed(pair.callee)]);
  void pair.callerSession?.hungup();
  return both.then(() => undefined);
}

async function setup(windowMs: number): Promise<SetupSample[]> {
  const spacing = windowMs / pairs.length;
  const started = performance.now();
  const calls = pairs.map(async (pair, i) => {
    const wait = started + i * spacing - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return withTimeout(placeCall(pair), 30_000, `call ${i}`).catch(() => undefined);
  });
  return (await Promise.all(calls)).filter((c): c is SetupSample => c !== undefined);
}

async function lifecycles(durationMs: number, count = pairs.length): Promise<{ completed: number; failed: number }> {
  const deadline = performance.now() + durationMs;
  let completed = 0;
  let failed = 0;
  await Promise.all(
    pairs.slice(0, count).map(async (pair) => {
      while (performance.now() < deadline) {
        try {
          await withTimeout(placeCall(pair), 5_000, 'lifecycle call');
          await withTimeout(hangUp(pair), 5_000, 'lifecycle hang-up');
          completed++;
        } catch {
          failed++; // this pair is left in an unknown state: it stops
          return;
        }
      }
    }),
  );
  return { completed, failed };
}

/** Per call set up by `setup`: ms from `since` until the owner answered the callee and the caller. */
interface ProbedCall {
  callId: string;
  callee: number | null;
  caller: number | null;
  /** A side's session closed while probing (the call did not survive the failover). */
  closed: boolean;
}

async function probeAll(since: number, deadlineMs: number, everyMs: number): Promise<ProbedCall[]> {
  const deadline = Date.now() + deadlineMs;
  const options = { since, deadline, everyMs, requestTimeoutMs: 3_000 };
  return Promise.all(
    pairs
      .filter((pair) => pair.callerSession !== undefined)
      .map(async (pair) => {
        const callId = (pair.callerSession as RCCallSession).getSessionId();
        let closed = false;
        pair.caller.hooks.onSessionClose = pair.callee.hooks.onSessionClose = () => {
          closed = true;
        };
        const [callee, caller] = await Promise.all([
          probeUntilAnswered(pair.callee, callId, options),
          probeUntilAnswered(pair.caller, callId, options),
        ]);
        return { callId, callee: callee ?? null, caller: caller ?? null, closed };
      }),
  );
}

process.on('message', async (m: { type: string; [key: string]: unknown }) => {
  try {
    switch (m.type) {
      case 'connect':
        pairs = [];
        await connectAll(
          (m.urls as string[] | undefined) ?? [m.url as string],
          (m.layout as Layout | undefined) ?? 'cross',
          m.appKey as string,
          m.pairs as number,
          m.prefix as string,
        );
        send({ type: 'connected', pairs: pairs.length });
        break;
      case 'setup':
        send({ type: 'setup', samples: await setup(m.windowMs as number) });
        break;
      case 'sequential': {
        // One call at a time; a call or hang-up that loses an event (see docs/benchmarks.md) is
        // counted and the next call moves to a fresh pair.
        const samples: SetupSample[] = [];
        let lost = 0;
        let p = 0;
        for (let i = 0; i < (m.iterations as number) && lost < 50; i++) {
          const pair = pairs[p % pairs.length] as Pair;
          try {
            samples.push(await withTimeout(placeCall(pair), 5_000, 'sequential call'));
            await withTimeout(hangUp(pair), 3_000, 'sequential hang-up');
          } catch {
            lost++;
            p++;
          }
        }
        send({ type: 'sequential', samples, lost });
        break;
      }
      case 'hangupAll':
        {
          const results = await Promise.allSettled(pairs.map((p) => withTimeout(hangUp(p), 10_000, 'hang up')));
          send({ type: 'hungup', lost: results.filter((r) => r.status === 'rejected').length });
        }
        break;
      case 'lifecycles':
        send({ type: 'lifecycles', ...(await lifecycles(m.durationMs as number, m.pairs as number | undefined)) });
        break;
      case 'probe':
        send({ type: 'probed', calls: await probeAll(m.since as number, m.deadlineMs as number, m.everyMs as number) });
        break;
      case 'exit':
        await Promise.allSettled(pairs.flatMap((p) => [p.caller.im.disconnect(), p.callee.im.disconnect()]));
        process.exit(0);
    }
  } catch (error) {
    send({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
});
send({ type: 'ready' });
