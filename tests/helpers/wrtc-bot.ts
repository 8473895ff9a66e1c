/**
 * Headless media bots: a CallLib client in Node (real IMLib over `ws`, RCRTC with the real P2P/SFU
 * transports over `@roamhq/wrtc`, RCCall's headless installer) publishing synthetic 320×240 video
 * and counting the first decoded frames of every remote video track.
 *
 * wrtc crashes (SIGSEGV) when a process holding its sources exits naturally, so tests run bots in a
 * child process (`spawnBotHost`, this file run as a script) that ends with `process.exit`; bench
 * workers, which end that way themselves, use `startWrtcBot` directly.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  headlessInstaller,
  type IEndSummary,
  type ISessionListener,
  type RCCallClient,
  RCCallMediaType,
  type RCCallSession,
} from '@opencall/call';
import { createIMLib, type RongIMLibClient, type WebSocketConstructor } from '@opencall/imlib';
import { createWrtcInstaller, type Wrtc } from '@opencall/rtc/node';
import { WebSocket } from 'ws';

/** Frames counted per remote video track before its sink is stopped (sinks copy every frame to JS). */
const FRAMES_COUNTED = 5;

export interface WrtcBotOptions {
  url: string;
  appKey: string;
  userId: string;
  token: string;
  /** Synthetic camera: default 320×240 @ 12 fps. */
  video?: { width?: number; height?: number; frameRate?: number };
  /** Accept every incoming call after this delay (ms); `undefined`: never accept by itself. */
  autoAcceptAfterMs?: number;
}

/** What a bot observed, as plain data (also sent over IPC). */
export interface BotStatus {
  userId: string;
  callId: string | null;
  accepted: boolean;
  /** `performance.now()` at `accept()` (ms). */
  acceptedAt: number | null;
  /** Remote users whose video / audio track became ready (`onTrackReady`). */
  videoReadyFrom: string[];
  audioReadyFrom: string[];
  /** Remote user → decoded frames counted (capped at FRAMES_COUNTED). */
  framesFrom: Record<string, number>;
  /** Remote user → `performance.now()` of the first decoded frame (ms). */
  firstFrameAt: Record<string, number>;
  /** Remote user → `performance.now()` of their video's `onTrackReady` (ms). */
  videoReadyAt: Record<string, number>;
  endReason: number | null;
}

export interface WrtcBot {
  readonly userId: string;
  readonly im: RongIMLibClient;
  readonly client: RCCallClient;
  status(): BotStatus;
  /** Starts a group call with `userIds` (audio + video); resolves with its call id. */
  callInGroup(groupId: string, userIds: string[]): Promise<string>;
  /** Calls one user (P2P). */
  call(targetId: string): Promise<string>;
  /** Accepts the current incoming call; resolves with the CallLib code. */
  accept(): Promise<number>;
  hangup(): Promise<void>;
  disconnect(): Promise<void>;
  /** Sums of `inbound-rtp` counters over this bot's open PeerConnections. */
  inboundRtp(): Promise<RtpTotals>;
}

export interface RtpTotals {
  packetsReceived: number;
  packetsLost: number;
}

/** Loads `@roamhq/wrtc` (CommonJS) on demand. */
export async function loadWrtc(): Promise<Wrtc> {
  const mod = (await import('@roamhq/wrtc')) as unknown as { default?: Wrtc } & Wrtc;
  return mod.default ?? mod;
}

export async function startWrtcBot(wrtc: Wrtc, options: WrtcBotOptions): Promise<WrtcBot> {
  const { userId } = options;
  const im = createIMLib({ WebSocket: WebSocket as unknown as WebSocketConstructor, deviceId: `${userId}-bot`, runtimeTag: 'node' });
  im.init({ appkey: options.appKey, navigators: [options.url], logOutputLevel: 3 });
  const video = { width: 320, height: 240, frameRate: 12, ...options.video };
  const peerConnections = new Set<RTCPeerConnection>();
  class TrackedPeerConnection extends wrtc.RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      peerConnections.add(this);
    }
  }
  const rtcClient = im.installPlugin(createWrtcInstaller({ ...wrtc, RTCPeerConnection: TrackedPeerConnection }, { video }), {
    logLevel: 3,
  });
  if (!rtcClient) throw new Error('RCRTC refused the node runtime');

  const state: BotStatus = {
    userId,
    callId: null,
    accepted: false,
    acceptedAt: null,
    videoReadyFrom: [],
    audioReadyFrom: [],
    framesFrom: {},
    firstFrameAt: {},
    videoReadyAt: {},
    endReason: null,
  };
  let session: RCCallSession | undefined;
  const sinks = new Set<{ stop(): void }>();

  const countFrames = (from: string, track: MediaStreamTrack) => {
    const sink = new wrtc.nonstandard.RTCVideoSink(track);
    sinks.add(sink);
    state.framesFrom[from] ??= 0;
    sink.onframe = () => {
      state.framesFrom[from] = (state.framesFrom[from] ?? 0) + 1;
      state.firstFrameAt[from] ??= performance.now();
      if ((state.framesFrom[from] ?? 0) >= FRAMES_COUNTED) {
        sink.stop();
        sinks.delete(sink);
      }
    };
  };

  const listener: ISessionListener<RCCallSession> = {
    onRinging: () => undefined,
    onAccept: () => undefined,
    onHungup: () => undefined,
    onTrackReady(track) {
      if (track.isLocalTrack()) return;
      const from = track.getUserId();
      if (track.isVideoTrack()) {
        state.videoReadyFrom.push(from);
        state.videoReadyAt[from] ??= performance.now();
        const media = track.__getMediaStreamTrack?.();
        if (media) countFrames(from, media);
      } else {
        state.audioReadyFrom.push(from);
      }
    },
    onMemberModify: () => undefined,
    onMediaModify: () => undefined,
    onAudioMuteChange: () => undefined,
    onVideoMuteChange: () => undefined,
  };

  const adopt = (s: RCCallSession) => {
    session = s;
    state.callId = s.getSessionId();
    state.accepted = false;
    state.endReason = null;
  };

  const accept = async (): Promise<number> => {
    if (!session) throw new Error(`${userId}: no call to accept`);
    state.acceptedAt = performance.now();
    const { code } = await session.accept();
    state.accepted = code === 10000;
    return code;
  };

  const client = im.installPlugin(headlessInstaller, {
    rtcClient,
    onSession(s: RCCallSession) {
      adopt(s);
      s.registerSessionListener(listener);
      if (options.autoAcceptAfterMs !== undefined) {
        setTimeout(() => void accept().catch(() => undefined), options.autoAcceptAfterMs);
      }
    },
    onSessionClose(_s: RCCallSession, summary?: IEndSummary) {
      state.endReason = summary?.endReason ?? -1;
      for (const sink of sinks) sink.stop();
      sinks.clear();
    },
  });
  if (!client) throw new Error('RCCall refused the node runtime');
  const connected = await im.connect(options.token);
  if (connected.code !== 0) throw new Error(`${userId}: connect failed with ${connected.code}`);

  return {
    userId,
    im,
    client,
    status: () => structuredClone(state),
    async callInGroup(groupId, userIds) {
      const r = await client.callInGroup({ targetId: groupId, userIds, mediaType: RCCallMediaType.AUDIO_VIDEO, listener });
      if (r.code !== 10000 || !r.session) throw new Error(`${userId}: callInGroup failed with ${r.code}`);
      adopt(r.session);
      state.accepted = true;
      return r.session.getSessionId();
    },
    async call(targetId) {
      const r = await client.call({ targetId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener });
      if (r.code !== 10000 || !r.session) throw new Error(`${userId}: call failed with ${r.code}`);
      adopt(r.session);
      state.accepted = true;
      return r.session.getSessionId();
    },
    accept,
    async hangup() {
      await session?.hungup();
    },
    async disconnect() {
      for (const sink of sinks) sink.stop();
      sinks.clear();
      await im.disconnect();
    },
    async inboundRtp() {
      const totals: RtpTotals = { packetsReceived: 0, packetsLost: 0 };
      for (const pc of [...peerConnections]) {
        if (pc.signalingState === 'closed') {
          peerConnections.delete(pc);
          continue;
        }
        const report = await pc.getStats().catch(() => undefined);
        report?.forEach((stat: { type?: string; packetsReceived?: number; packetsLost?: number }) => {
          if (stat.type !== 'inbound-rtp') return;
          totals.packetsReceived += stat.packetsReceived ?? 0;
          totals.packetsLost += Math.max(0, stat.packetsLost ?? 0);
        });
      }
      return totals;
    },
  };
}

// ---- a child process hosting bots (tests) ----

type HostRequest = { id: number } & (
  | { op: 'add'; bots: WrtcBotOptions[] }
  | { op: 'status' }
  | { op: 'hangup' }
  | { op: 'call'; userId: string; targetId: string }
  | { op: 'exit' }
);
type HostReply = { id: number; ok: true; status?: BotStatus[]; callId?: string } | { id: number; ok: false; error: string };

/** Bots running in a child process. Every method is bounded by `timeoutMs`. */
export interface BotHost {
  /** Connects these bots (one after the other). */
  add(bots: WrtcBotOptions[]): Promise<void>;
  status(): Promise<BotStatus[]>;
  hangupAll(): Promise<void>;
  /** Bot `userId` calls `targetId` 1:1 (P2P); resolves with the call id. */
  call(userId: string, targetId: string): Promise<string>;
  /** Ends the child (bounded; SIGKILL if it does not go). */
  close(): Promise<void>;
  /** The child's output, for failure messages. */
  output(): string;
}

const HOST_SCRIPT = fileURLToPath(import.meta.url);

export function spawnBotHost(timeoutMs = 60_000): BotHost {
  const child = fork(HOST_SCRIPT, ['--bot-host'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  const add = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-100_000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  let next = 0;
  const pending = new Map<number, (reply: HostReply) => void>();
  child.on('message', (reply: HostReply) => pending.get(reply.id)?.(reply));
  child.once('exit', (code, signal) => {
    for (const [id, resolve] of pending) resolve({ id, ok: false, error: `bot host exited (${signal ?? code})` });
  });
  const request = (req: Omit<HostRequest, 'id'>): Promise<HostReply> =>
    new Promise((resolve) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ id, ok: false, error: `bot host: no answer to ${req.op} within ${timeoutMs} ms` });
      }, timeoutMs);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(reply);
      });
      if (child.connected) child.send({ ...req, id });
    });
  const answer = async (req: Omit<HostRequest, 'id'>): Promise<Extract<HostReply, { ok: true }>> => {
    const reply = await request(req);
    if (!reply.ok) throw new Error(`${reply.error}\n${out.slice(-3000)}`);
    return reply;
  };
  const must = async (req: Omit<HostRequest, 'id'>): Promise<BotStatus[] | undefined> => (await answer(req)).status;
  return {
    add: async (bots) => void (await must({ op: 'add', bots } as Omit<HostRequest, 'id'>)),
    status: async () => (await must({ op: 'status' })) ?? [],
    hangupAll: async () => void (await must({ op: 'hangup' })),
    call: async (userId, targetId) => (await answer({ op: 'call', userId, targetId } as Omit<HostRequest, 'id'>)).callId ?? '',
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      void request({ op: 'exit' });
      await exited;
      clearTimeout(kill);
    },
    output: () => out,
  };
}

async function runHost(): Promise<void> {
  const wrtc = await loadWrtc();
  const bots: WrtcBot[] = [];
  const reply = (message: HostReply) => process.send?.(message);
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (req: HostRequest) => {
    try {
      switch (req.op) {
        case 'add':
          for (const options of req.bots) bots.push(await startWrtcBot(wrtc, options));
          reply({ id: req.id, ok: true });
          return;
        case 'status':
          reply({ id: req.id, ok: true, status: bots.map((b) => b.status()) });
          return;
        case 'hangup':
          await Promise.all(bots.map((b) => b.hangup().catch(() => undefined)));
          reply({ id: req.id, ok: true });
          return;
        case 'call': {
          const bot = bots.find((b) => b.userId === req.userId);
          if (!bot) throw new Error(`no bot ${req.userId}`);
          reply({ id: req.id, ok: true, callId: await bot.call(req.targetId) });
          return;
        }
        case 'exit':
          await Promise.race([
            Promise.all(bots.map((b) => b.disconnect().catch(() => undefined))),
            new Promise((r) => setTimeout(r, 2_000)),
          ]);
          process.exit(0);
      }
    } catch (error) {
      reply({ id: req.id, ok: false, error: String((error as Error).stack ?? error) });
    }
  });
}

if (process.argv.includes('--bot-host') && process.argv[1] === HOST_SCRIPT) {
  runHost().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
