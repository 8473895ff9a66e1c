/**
 * Worker (inside `unshare -n`, with the veth `v0` for Janus): the real server with its supervised
 * Janus, and `@roamhq/wrtc` bots (tests/helpers/wrtc-bot.ts) publishing synthetic 320×240 video.
 *   1. Setup latency, alternating: bare wrtc↔wrtc RTCPeerConnections (offer → first decoded frame),
 *      a 4-party group call through the SFU (invitee's accept() → first decoded frame of the caller),
 *      and a 1:1 SDK call over P2P (accept() → first frame).
 *   2. Ramp: add one 4-party call at a time; after each, measure a window: receivers' packet loss
 *      (inbound-rtp over every bot), packets forwarded (received by subscribers), Janus CPU time
 *      (/proc/<pid>/stat), machine CPU (/proc/stat). Stop at ≥ 1 % loss, saturated CPU, a call that
 *      does not come up, or `maxCalls`.
 * Prints `{"sfu": {...}}`; ends with `process.exit` (wrtc crashes on a natural exit).
 *
 *   node --import tsx bench/workers/sfu-calls.ts <rounds> <maxCalls> <windowMs>
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Wrtc } from '../../packages/rtc/src/node/index.js';
import { startSyntheticVideo } from '../../packages/rtc/src/node/index.js';
import { janusPidOf } from '../../tests/helpers/janus-process.js';
import { type ServerProcess, startServerProcess } from '../../tests/helpers/server-process.js';
import { loadWrtc, type RtpTotals, startWrtcBot, type WrtcBot } from '../../tests/helpers/wrtc-bot.js';

const rounds = Number(process.argv[2] ?? 3);
const maxCalls = Number(process.argv[3] ?? 12);
const windowMs = Number(process.argv[4] ?? 6_000);
const BOT_VIDEO = { width: 320, height: 240, frameRate: 10 };
const SETUP_TIMEOUT_MS = 45_000;
const LOSS_LIMIT = 0.01;
const CPU_SATURATED = 0.95;
/** Below this share of the first call's forwarded packets per call, senders are starved of CPU. */
const DELIVERY_FLOOR = 0.8;
/** Invitees answer this long after being rung, as a person would (the caller's media is up by then). */
const ANSWER_DELAY_MS = 1_000;

const wrtc = await loadWrtc();
let server: ServerProcess | undefined;
let nextId = 0;

async function poll<T>(what: string, find: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function bots(count: number, prefix: string): Promise<WrtcBot[]> {
  const s = server as ServerProcess;
  const out: WrtcBot[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `${prefix}-${nextId++}`;
    out.push(await startWrtcBot(wrtc, { url: s.url, appKey: s.appKey, userId, token: await s.getToken(userId), video: BOT_VIDEO }));
  }
  return out;
}

/** A 4-party group call; resolves once every bot decoded every other (and the accept→frame samples). */
async function groupCall(members: WrtcBot[], trackReady: number[] = []): Promise<number[]> {
  const s = server as ServerProcess;
  const [caller, ...invitees] = members as [WrtcBot, ...WrtcBot[]];
  const groupId = `g-${caller.userId}`;
  const created = await s.signedPost('/group/create.json', { userId: members.map((m) => m.userId), groupId, groupName: groupId });
  if (created.body.code !== 200) throw new Error(`group/create ${JSON.stringify(created.body)}`);
  const callId = await caller.callInGroup(
    groupId,
    invitees.map((m) => m.userId),
  );
  await Promise.all(
    invitees.map(async (m) => {
      await poll(`${m.userId} invited`, () => (m.status().callId === callId ? true : undefined), SETUP_TIMEOUT_MS);
      await new Promise((r) => setTimeout(r, ANSWER_DELAY_MS));
      const code = await m.accept();
      if (code !== 10000) throw new Error(`${m.userId}: accept ${code}`);
    }),
  );
  await poll(
    'everyone decodes everyone',
    () => (members.every((m) => members.every((o) => o === m || (m.status().framesFrom[o.userId] ?? 0) >= 1)) ? true : undefined),
    SETUP_TIMEOUT_MS,
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(members.map((m) => m.status()))}`);
  });
  for (const m of invitees) {
    const st = m.status();
    trackReady.push((st.videoReadyAt[caller.userId] as number) - (st.acceptedAt as number));
  }
  return invitees.map((m) => {
    const st = m.status();
    return (st.firstFrameAt[caller.userId] as number) - (st.acceptedAt as number);
  });
}

async function p2pCall(a: WrtcBot, b: WrtcBot): Promise<number> {
  const callId = await a.call(b.userId);
  await poll(`${b.userId} rung`, () => (b.status().callId === callId ? true : undefined), SETUP_TIMEOUT_MS);
  await new Promise((r) => setTimeout(r, ANSWER_DELAY_MS));
  await b.accept();
  const first = await poll('P2P first frame', () => b.status().firstFrameAt[a.userId], SETUP_TIMEOUT_MS);
  return first - (b.status().acceptedAt as number);
}

/** Bare wrtc: offer → first decoded frame, signaled in-process. */
async function bareP2P(w: Wrtc): Promise<number> {
  const a = new w.RTCPeerConnection();
  const b = new w.RTCPeerConnection();
  const track = startSyntheticVideo(w.nonstandard, BOT_VIDEO);
  const candidates = (from: RTCPeerConnection, to: RTCPeerConnection) => {
    from.onicecandidate = (e) => {
      if (e.candidate) void to.addIceCandidate(e.candidate).catch(() => undefined);
    };
  };
  candidates(a, b);
  candidates(b, a);
  const firstFrame = new Promise<number>((resolve) => {
    b.ontrack = (e) => {
      const sink = new w.nonstandard.RTCVideoSink(e.track);
      sink.onframe = () => {
        sink.stop();
        resolve(performance.now());
      };
    };
  });
  const started = performance.now();
  a.addTrack(track, new w.MediaStream());
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
  const at = await Promise.race([
    firstFrame,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error('bare: no frame')), 20_000)),
  ]);
  track.stop();
  a.close();
  b.close();
  return at - started;
}

async function endCall(members: WrtcBot[]): Promise<void> {
  await Promise.all(members.map((m) => m.hangup().catch(() => undefined)));
  await Promise.all(members.map((m) => m.disconnect().catch(() => undefined)));
}

function janusPid(dataDir: string): number {
  const pid = janusPidOf(dataDir);
  if (pid === undefined) throw new Error('the server runs no Janus');
  return pid;
}

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU ms of this worker (the bots), Janus and the server (Janus's parent). */
function ownCpuMs(janus: number, server: number): number {
  const self = process.cpuUsage();
  return (self.user + self.system) / 1000 + processCpuMs(janus) + processCpuMs(server);
}

/** Busy and total jiffies of the whole machine. */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

async function totals(all: WrtcBot[]): Promise<RtpTotals> {
  const each = await Promise.all(all.map((b) => b.inboundRtp()));
  return each.reduce((s, t) => ({ packetsReceived: s.packetsReceived + t.packetsReceived, packetsLost: s.packetsLost + t.packetsLost }), {
    packetsReceived: 0,
    packetsLost: 0,
  });
}

/** One ramp step's figures (also read by bench/scenarios/sfu.ts). */
export interface Step {
  calls: number;
  loss: number;
  forwardedPerSec: number;
  janusCpu: number;
  /** CPU of the bots + Janus + server, as a share of all cores. */
  ownCpu: number;
  /** CPU of the whole machine (other work included), as a share of all cores. */
  machineCpu: number;
  packetsPerJanusCpuSecond: number;
}

let exitCode = 0;
try {
  server = await startServerProcess({
    env: {
      OPENCALL_SFU: 'auto',
      OPENCALL_JANUS_ICE_INTERFACE: 'v0',
      OPENCALL_CALLS_PER_MINUTE: '1000000',
      OPENCALL_WS_RATE_PER_SEC: '1000000',
      OPENCALL_API_RATE_PER_SEC: '1000000',
    },
  });
  await poll('janus up', () => (/janus up/.test((server as ServerProcess).logs()) ? true : undefined), 20_000).catch(() => undefined);

  const bare: number[] = [];
  const sfu: number[] = [];
  const sfuTrackReady: number[] = [];
  const p2p: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(await bareP2P(wrtc));
    const group = await bots(4, `lat${i}`);
    sfu.push(...(await groupCall(group, sfuTrackReady)));
    await endCall(group);
    const pair = await bots(2, `p2p${i}`);
    p2p.push(await p2pCall(pair[0] as WrtcBot, pair[1] as WrtcBot));
    await endCall(pair);
  }

  const pid = janusPid(server.dataDir);
  const serverPid = Number(statFields(pid)[1]);
  const cores = cpus().length;
  const running: WrtcBot[] = [];
  const steps: Step[] = [];
  let stopReason = `reached ${maxCalls} calls`;
  for (let calls = 1; calls <= maxCalls; calls++) {
    const group = await bots(4, `c${calls}`);
    running.push(...group);
    try {
      await groupCall(group);
    } catch (error) {
      stopReason = `call ${calls} did not come up: ${(error as Error).message}`;
      break;
    }
    await new Promise((r) => setTimeout(r, 1_000)); // let the new call's first keyframes settle
    const rtp0 = await totals(running);
    const janus0 = processCpuMs(pid);
    const own0 = ownCpuMs(pid, serverPid);
    const cpu0 = machineCpu();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const rtp1 = await totals(running);
    const seconds = (performance.now() - t0) / 1000;
    const janusCpuSeconds = (processCpuMs(pid) - janus0) / 1000;
    const cpu1 = machineCpu();
    const ownCpu = (ownCpuMs(pid, serverPid) - own0) / 1000 / seconds / cores;
    const received = rtp1.packetsReceived - rtp0.packetsReceived;
    const lost = rtp1.packetsLost - rtp0.packetsLost;
    const step: Step = {
      calls,
      loss: received + lost > 0 ? lost / (received + lost) : 0,
      forwardedPerSec: received / seconds,
      janusCpu: janusCpuSeconds / seconds,
      ownCpu,
      machineCpu: (cpu1.busy - cpu0.busy) / Math.max(1, cpu1.total - cpu0.total),
      packetsPerJanusCpuSecond: janusCpuSeconds > 0 ? received / janusCpuSeconds : Number.NaN,
    };
    steps.push(step);
    console.error(`sfu: ${JSON.stringify(step)}`);
    if (step.loss >= LOSS_LIMIT) {
      stopReason = `loss ${(step.loss * 100).toFixed(2)} % at ${calls} calls`;
      break;
    }
    const perCall = step.forwardedPerSec / calls;
    const firstPerCall = (steps[0] as Step).forwardedPerSec;
    if (perCall < DELIVERY_FLOOR * firstPerCall) {
      stopReason = `CPU starved: ${Math.round(perCall)} pkt/s forwarded per call at ${calls} calls vs ${Math.round(firstPerCall)} with one (machine CPU ${(step.machineCpu * 100).toFixed(0)} %)`;
      break;
    }
    if (step.ownCpu >= CPU_SATURATED) {
      stopReason = `CPU saturated (bots + Janus + server ${(step.ownCpu * 100).toFixed(0)} % of ${cores} cores) at ${calls} calls`;
      break;
    }
  }
  console.log(JSON.stringify({ sfu: { bare, sfu, sfuTrackReady, p2p, steps, stopReason, cores } }));
  await Promise.race([endCall(running), new Promise((r) => setTimeout(r, 10_000))]);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await server?.stop().catch((error) => console.error(error));
}
process.exit(exitCode);
