/**
 * Where dial→onSession goes, on one idle pair: caller SDK (call() → invite on the wire), server +
 * loopback (invite sent → `call.invited` received by the callee's socket), callee SDK (received →
 * onSession). Diagnostic, not part of `npm run bench`:
 *
 *   npx tsx bench/lib/latency-breakdown.ts [calls=300]
 *
 * Also the CPU time each process spent per call (a whole lifecycle: invite, ringing, hang-up), which
 * a busy shared machine disturbs far less than the latencies.
 */
import { readFileSync } from 'node:fs';
import { RCCallMediaType } from '@opencall/call';
import { WebSocket } from 'ws';
import { connectBenchClient } from './bench-client.js';
import { BENCH_APP_KEY, startBenchServer, tokenMinter } from './server.js';
import { summarize } from './stats.js';

const calls = Number(process.argv[2] ?? 300);
let inviteSentAt = 0;
let invitedReceivedAt = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function patchedSend(this: WebSocket, data: unknown, ...rest: unknown[]) {
  if (typeof data === 'string' && data.includes('"call.invite"')) inviteSentAt = performance.now();
  return (send as (...args: unknown[]) => void).call(this, data, ...rest);
};
const emit = WebSocket.prototype.emit;
WebSocket.prototype.emit = function patchedEmit(this: WebSocket, event: string | symbol, ...args: unknown[]) {
  if (event === 'message' && String(args[0]).includes('"call.invited"')) invitedReceivedAt = performance.now();
  return emit.call(this, event, ...args);
};

/** User + system CPU time of process `pid` in ms (Linux /proc; clock ticks of 10 ms, so read over many calls). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const clientCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const server = await startBenchServer({ cpus: '0' });
try {
  const mint = tokenMinter();
  const caller = await connectBenchClient(server.url, BENCH_APP_KEY, 'lat-a', await mint('lat-a'));
  const callee = await connectBenchClient(server.url, BENCH_APP_KEY, 'lat-b', await mint('lat-b'));
  const rows: { sdkOut: number; server: number; sdkIn: number; total: number }[] = [];
  let cpuFrom = { server: 0, client: 0 };
  for (let i = 0; i < calls; i++) {
    if (i === calls / 10) cpuFrom = { server: processCpuMs(server.pid), client: clientCpuMs() };
    const closed = Promise.all([caller, callee].map((c) => new Promise<void>((r) => (c.hooks.onSessionClose = () => r()))));
    const session = new Promise<number>((r) => (callee.hooks.onSession = () => r(performance.now())));
    const dialAt = performance.now();
    const result = await caller.client.call({ targetId: 'lat-b', mediaType: RCCallMediaType.AUDIO, listener: caller.listener });
    const sessionAt = await session;
    if (i >= calls / 10)
      rows.push({
        sdkOut: inviteSentAt - dialAt,
        server: invitedReceivedAt - inviteSentAt,
        sdkIn: sessionAt - invitedReceivedAt,
        total: sessionAt - dialAt,
      });
    await result.session?.hungup();
    await closed;
  }
  const measured = calls - calls / 10;
  const serverCpu = (processCpuMs(server.pid) - cpuFrom.server) / measured;
  const clientCpu = (clientCpuMs() - cpuFrom.client) / measured;
  console.log(`cpu per call: server ${serverCpu.toFixed(3)} ms, both clients ${clientCpu.toFixed(3)} ms`);
  for (const key of ['sdkOut', 'server', 'sdkIn', 'total'] as const) {
    const s = summarize(rows.map((r) => r[key]));
    console.log(`${key.padEnd(7)} p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms`);
  }
} finally {
  await server.stop();
}
// The clients' sockets and timers would keep the process alive.
process.exit(0);
