/**
 * Worker (inside `unshare -n`, with the veth `v0` for Janus's ICE): Janus's forwarding cost measured
 * with a light load. One publisher sends synthetic VP8 RTP (valid headers, no encoder: ≈ 300 pkt/s,
 * 2.3 Mbit/s, like 720p video) into a VideoRoom; subscribers only count the RTP packets they receive
 * (SRTP decrypted, never decoded). Both ends are `node-datachannel` (libdatachannel) PeerConnections,
 * so the load generator costs little next to Janus.
 * Janus is started here with the server's own configuration (renderJanusConfig), once per variant
 * (a configuration lever), and each variant ramps subscribers through `steps`; after each step it
 * measures a window: RTP packets received by subscribers per second, and Janus's CPU time
 * (/proc/<pid>/stat).
 * Prints `{"fanout": {...}}` and ends with `process.exit` (libdatachannel threads would keep it alive).
 *
 *   node --import tsx bench/workers/sfu-fanout.ts <steps e.g. 20,60,120> <windowMs> <variant,…>
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';
import { newJanusSecret, renderJanusConfig } from '../../packages/server/src/adapters/sfu/janus/janus-config.js';
import { JanusApi } from '../lib/janus-api.js';
import { vp8FramePackets } from '../lib/synthetic-rtp.js';

const steps = (process.argv[2] ?? '20,60,120').split(',').map(Number);
const windowMs = Number(process.argv[3] ?? 5_000);
const variantNames = (process.argv[4] ?? 'product').split(',');
const WS_PORT = 8388;
const ROOM = 4242;
/** ≈ 720p at 2.3 Mbit/s: 30 fps × 10 packets of ≈ 1 kB (what a real encoder would send, without encoding). */
const PUBLISH = { ssrc: 0x0ca11, fps: 30, packetsPerFrame: 10, payloadBytes: 960 };
const SETUP_TIMEOUT_MS = 20_000;

/** Configuration levers: options of the server's janus.jcfg, or lines added to one of its sections. */
const VARIANTS: Record<string, { general?: string[]; media?: string[]; debugLevel?: number; eventLoops?: number }> = {
  product: {},
  thread_per_handle: { eventLoops: 0 },
  quiet_log: { debugLevel: 1 },
  nack_queue_off: { media: ['\tnack_optimizations = false', '\tmin_nack_queue = 0'] },
};

/** A window's figures (also read by bench/scenarios/sfu-fanout.ts). */
export interface FanoutStep {
  variant: string;
  subscribers: number;
  /** RTP packets received by all subscribers per second. */
  forwardedPerSec: number;
  /** RTP packets the publisher sent per second. */
  publishedPerSec: number;
  /** Received / (sent × subscribers) over the window: 1 = every packet reached every subscriber. */
  delivery: number;
  /** Janus CPU time per wall second (1 = one core). */
  janusCpu: number;
  /** This worker's CPU (publisher + subscribers) per wall second. */
  botsCpu: number;
  machineCpu: number;
  packetsPerJanusCpuSecond: number;
  /** Subscribers that received nothing during the window. */
  silent: number;
}

function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

function machineCpu(): { busy: number; total: number } {
  const v = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((s, x) => s + x, 0);
  return { busy: total - (v[3] ?? 0) - (v[4] ?? 0), total };
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startJanus(dir: string, variant: string, apiSecret: string): ChildProcess {
  const lever = VARIANTS[variant];
  if (!lever) throw new Error(`unknown variant ${variant}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const files = renderJanusConfig(dir, {
    wsPort: WS_PORT,
    apiSecret,
    adminSecret: newJanusSecret(),
    rtpPortRange: [20000, 29999],
    iceInterface: 'v0',
    ...(lever.debugLevel === undefined ? {} : { debugLevel: lever.debugLevel }),
    ...(lever.eventLoops === undefined ? {} : { eventLoops: lever.eventLoops }),
  });
  let main = files['janus.jcfg'] as string;
  if (lever.general) main = main.replace('general: {\n', `general: {\n${lever.general.join('\n')}\n`);
  if (lever.media) main = main.replace('media: {\n', `media: {\n${lever.media.join('\n')}\n`);
  files['janus.jcfg'] = main;
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const log = process.env.FANOUT_JANUS_LOG; // a file to keep Janus's output in, when debugging
  return spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o', ...(log ? ['-L', log] : [])], { stdio: 'ignore' });
}

async function connect(apiSecret: string): Promise<JanusApi> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await JanusApi.open(`ws://127.0.0.1:${WS_PORT}`, apiSecret);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Janus's trickled candidates for `handle`, held until the PeerConnection has the remote description. */
function remoteCandidates(api: JanusApi, handle: number, pc: PeerConnection): { described(): void } {
  const early: { candidate: string; mid: string }[] = [];
  let ready = false;
  api.onTrickle(handle, (c) => {
    if (!c.candidate) return;
    if (ready) pc.addRemoteCandidate(c.candidate, c.sdpMid ?? '0');
    else early.push({ candidate: c.candidate, mid: c.sdpMid ?? '0' });
  });
  return {
    described() {
      ready = true;
      for (const c of early.splice(0)) pc.addRemoteCandidate(c.candidate, c.mid);
    },
  };
}

interface Publisher {
  feed: number;
  /** RTP packets sent so far. */
  sent(): number;
  stop(): void;
}

/**
 * Publishes synthetic VP8 RTP (bench/lib/synthetic-rtp.ts) from a libdatachannel PeerConnection at
 * `PUBLISH.fps` frames of `PUBLISH.packetsPerFrame` packets; resolves once its track is open.
 */
async function publish(api: JanusApi): Promise<Publisher> {
  const handle = await api.attach('janus.plugin.videoroom');
  const joined = await api.message(handle, { request: 'join', ptype: 'publisher', room: ROOM, display: 'pub' });
  const feed = joined.plugindata.data.id as number;
  const pc = new nodeDataChannel.PeerConnection('pub', { iceServers: [] });
  const remote = remoteCandidates(api, handle, pc);
  const video = new nodeDataChannel.Video('0', 'SendOnly');
  video.addVP8Codec(96);
  video.addSSRC(PUBLISH.ssrc, 'bench', 'bench-stream', 'bench-video');
  const track = pc.addTrack(video);
  let open = false;
  track.onOpen(() => {
    open = true;
  });
  pc.setLocalDescription();
  await until('publisher ICE gathering', () => pc.gatheringState() === 'complete', 5_000).catch(() => undefined);
  const offer = pc.localDescription();
  if (!offer) throw new Error('publisher: no offer');
  const reply = await api.message(handle, { request: 'publish', audio: false, video: true }, { type: 'offer', sdp: offer.sdp });
  pc.setRemoteDescription(reply.jsep.sdp as string, 'answer');
  remote.described();
  await until('publisher track open', () => open, SETUP_TIMEOUT_MS);
  let frame = 0;
  let seq = 0;
  let sent = 0;
  const timer = setInterval(() => {
    const packets = vp8FramePackets({
      ssrc: PUBLISH.ssrc,
      payloadType: 96,
      seq,
      timestamp: frame * (90_000 / PUBLISH.fps),
      keyframe: frame % (PUBLISH.fps * 2) === 0,
      packets: PUBLISH.packetsPerFrame,
      payloadBytes: PUBLISH.payloadBytes,
    });
    for (const p of packets) if (track.sendMessageBinary(p)) sent++;
    seq += packets.length;
    frame++;
  }, 1000 / PUBLISH.fps);
  return {
    feed,
    sent: () => sent,
    stop: () => {
      clearInterval(timer);
      pc.close();
    },
  };
}

interface Subscriber {
  packets: number;
  /** Held so the garbage collector does not take the track (and its callback) away. */
  tracks: Track[];
  close(): void;
}

async function subscribe(api: JanusApi, feed: number, index: number): Promise<Subscriber> {
  const handle = await api.attach('janus.plugin.videoroom');
  const pc = new nodeDataChannel.PeerConnection(`sub${index}`, { iceServers: [] });
  const sub: Subscriber = { packets: 0, tracks: [], close: () => undefined };
  sub.close = () => pc.close();
  const remote = remoteCandidates(api, handle, pc);
  pc.onTrack((track) => {
    sub.tracks.push(track);
    track.onMessage((packet) => {
      // RTCP packet types 200–207 sit in the second byte; everything else here is RTP.
      const type = packet[1] ?? 0;
      if (type < 200 || type > 207) sub.packets++;
    });
  });
  const joined = await api.message(handle, { request: 'join', ptype: 'subscriber', room: ROOM, streams: [{ feed }] });
  pc.setRemoteDescription(joined.jsep.sdp as string, 'offer');
  remote.described();
  await until(`subscriber ${index} ICE gathering`, () => pc.gatheringState() === 'complete', 5_000).catch(() => undefined);
  const answer = pc.localDescription();
  if (!answer) throw new Error(`subscriber ${index}: no answer`);
  await api.message(handle, { request: 'start' }, { type: 'answer', sdp: answer.sdp });
  return sub;
}

async function runVariant(variant: string): Promise<FanoutStep[]> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-fanout-'));
  const apiSecret = newJanusSecret();
  const janus = startJanus(dir, variant, apiSecret);
  const out: FanoutStep[] = [];
  const subs: Subscriber[] = [];
  let api: JanusApi | undefined;
  let publisher: Publisher | undefined;
  try {
    api = await connect(apiSecret);
    const admin = await api.attach('janus.plugin.videoroom');
    await api.message(admin, { request: 'create', room: ROOM, publishers: 1, bitrate: 2_000_000, videocodec: 'vp8' });
    publisher = await publish(api);
    const pid = janus.pid as number;
    for (const target of steps) {
      while (subs.length < target) subs.push(await subscribe(api, publisher.feed, subs.length));
      await until(`${target} subscribers receiving`, () => subs.every((s) => s.packets > 0), SETUP_TIMEOUT_MS);
      await new Promise((r) => setTimeout(r, 1_000));
      const before = subs.map((s) => s.packets);
      const sent0 = publisher.sent();
      const janus0 = cpuMsOf(pid);
      const self0 = selfCpuMs();
      const cpu0 = machineCpu();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, windowMs));
      const seconds = (performance.now() - t0) / 1000;
      const janusCpuS = (cpuMsOf(pid) - janus0) / 1000;
      const cpu1 = machineCpu();
      const counts = subs.map((s, i) => s.packets - (before[i] as number));
      const received = counts.reduce((a, b) => a + b, 0);
      const sent = publisher.sent() - sent0;
      const step: FanoutStep = {
        variant,
        subscribers: subs.length,
        forwardedPerSec: received / seconds,
        publishedPerSec: sent / seconds,
        delivery: sent > 0 ? received / (sent * subs.length) : 0,
        janusCpu: janusCpuS / seconds,
        botsCpu: (selfCpuMs() - self0) / 1000 / seconds,
        machineCpu: (cpu1.busy - cpu0.busy) / Math.max(1, cpu1.total - cpu0.total),
        packetsPerJanusCpuSecond: janusCpuS > 0 ? received / janusCpuS : Number.NaN,
        silent: counts.filter((c) => c === 0).length,
      };
      out.push(step);
      console.error(`fanout: ${JSON.stringify(step)}`);
    }
  } catch (error) {
    // A step that cannot come up (a saturated machine) ends this variant, not the run: the steps so far stand.
    const message = `${variant}: ${(error as Error).message}`;
    failures.push(message);
    console.error(`fanout: stopped ${message}`);
  } finally {
    for (const s of subs) s.close();
    publisher?.stop();
    api?.close();
    janus.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Variants that stopped before their last step, and why. */
const failures: string[] = [];
let exitCode = 0;
try {
  const results: FanoutStep[] = [];
  for (const variant of variantNames) results.push(...(await runVariant(variant)));
  console.log(JSON.stringify({ fanout: { steps: results, failures, cores: cpus().length } }));
} catch (error) {
  console.error(error);
  exitCode = 1;
}
process.exit(exitCode);
