/**
 * Worker (runs inside `unshare -n` with `lo` and a veth pair up): starts Janus with a minimal config
 * (WebSocket transport on 127.0.0.1:8188 only, VideoCall plugin only, ICE on the veth), registers two
 * users and measures `call` → callee's `incomingcall` event, `iterations` times, sequentially.
 * Prints one JSON line `{"janus": {samples, version}}` or `{"janus": {skipped: reason}}`.
 *
 *   node --import tsx bench/workers/janus-videocall.ts <iterations>
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { nextJson, openSocket } from '../lib/json-ws.js';

const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';
const WS_URL = 'ws://127.0.0.1:8188';
const iterations = Number(process.argv[2] ?? 200);

// biome-ignore lint/suspicious/noExplicitAny: Janus replies are loosely typed JSON.
type JanusReply = any;

function otherLibs(folder: string, keep: string[]): string {
  return readdirSync(join(JANUS_LIB, folder))
    .filter((f) => /^libjanus_\w+\.so$/.test(f) && !keep.includes(f))
    .join(',');
}

function writeConfig(dir: string): void {
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${JANUS_LIB}/plugins"
  transports_folder = "${JANUS_LIB}/transports"
  events_folder = "${JANUS_LIB}/events"
  loggers_folder = "${JANUS_LIB}/loggers"
  debug_level = 3
  session_timeout = 0
}
media: { rtp_port_range = "20000-40000" }
nat: { ice_enforce_list = "v0" }
plugins: { disable = "${otherLibs('plugins', ['libjanus_videocall.so'])}" }
transports: { disable = "${otherLibs('transports', ['libjanus_websockets.so'])}" }
loggers: { disable = "${otherLibs('loggers', [])}" }
events: { broadcast = false disable = "${otherLibs('events', [])}" }
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: { json = "compact" ws = true ws_port = 8188 ws_ip = "127.0.0.1" wss = false }
admin: { admin_ws = false admin_wss = false }
`,
  );
  writeFileSync(join(dir, 'janus.plugin.videocall.jcfg'), 'general: { events = false }\n');
}

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, '0').toUpperCase()).join(':');
const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:benc',
  'a=ice-pwd:benchbenchbenchbenchbench',
  'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${FINGERPRINT}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

let transactionCounter = 0;

class JanusUser {
  private sessionId = 0;
  private handleId = 0;
  constructor(
    readonly name: string,
    readonly socket: WebSocket,
  ) {}

  private async request(body: Record<string, unknown>, expect: (m: JanusReply) => boolean): Promise<JanusReply> {
    const transaction = `t${++transactionCounter}`;
    const reply = nextJson<JanusReply>(this.socket, (m) => m.transaction === transaction && expect(m), 5_000, `${this.name} ${body.janus}`);
    this.socket.send(JSON.stringify({ ...body, transaction }));
    return reply;
  }

  async setup(): Promise<void> {
    const created = await this.request({ janus: 'create' }, (m) => m.janus === 'success');
    this.sessionId = created.data.id;
    const attached = await this.request(
      { janus: 'attach', session_id: this.sessionId, plugin: 'janus.plugin.videocall' },
      (m) => m.janus === 'success',
    );
    this.handleId = attached.data.id;
    const registered = await this.request(this.message({ request: 'register', username: this.name }), (m) => m.janus === 'event');
    if (registered.plugindata?.data?.result?.event !== 'registered')
      throw new Error(`register ${this.name}: ${JSON.stringify(registered)}`);
  }

  message(body: Record<string, unknown>, jsep?: Record<string, unknown>): Record<string, unknown> {
    return { janus: 'message', session_id: this.sessionId, handle_id: this.handleId, body, ...(jsep ? { jsep } : {}) };
  }

  /** Waits for a plugin event whose `result.event` is `event`. */
  pluginEvent(event: string, signal?: AbortSignal, timeoutMs = 5_000): Promise<JanusReply> {
    return nextJson<JanusReply>(
      this.socket,
      (m) => m.janus === 'event' && m.plugindata?.data?.result?.event === event,
      timeoutMs,
      `${this.name} ${event}`,
      signal,
    );
  }

  /** The core's `hangup` for this handle (its PeerConnection is closed). */
  coreHangup(timeoutMs = 1_000): Promise<JanusReply> {
    return nextJson<JanusReply>(
      this.socket,
      (m) => m.janus === 'hangup' && m.sender === this.handleId,
      timeoutMs,
      `${this.name} core hangup`,
    );
  }

  /** Sends `body` with a new transaction id, which it returns. */
  send(body: Record<string, unknown>): string {
    const transaction = `t${++transactionCounter}`;
    this.socket.send(JSON.stringify({ ...body, transaction }));
    return transaction;
  }
}

async function connectWithRetry(deadlineMs: number): Promise<WebSocket> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await openSocket(WS_URL, { protocol: 'janus-protocol', timeoutMs: 2_000 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-janus-'));
  let janus: ChildProcess | undefined;
  let output = '';
  try {
    writeConfig(dir);
    janus = spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
    janus.on('error', () => undefined);
    const append = (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-20_000);
    };
    janus.stdout?.on('data', append);
    janus.stderr?.on('data', append);
    const exited = new Promise<never>((_, reject) =>
      janus?.once('exit', (code) => reject(new Error(`janus exited (code ${code}): ${output.slice(-2000)}`))),
    );
    const [callerSocket, calleeSocket] = await Promise.race([Promise.all([connectWithRetry(10_000), connectWithRetry(10_000)]), exited]);
    const caller = new JanusUser('bench-caller', callerSocket);
    const callee = new JanusUser('bench-callee', calleeSocket);
    await caller.setup();
    await callee.setup();

    const samples: number[] = [];
    let retries = 0;
    let lastRefusal = '';
    let lost = 0;
    for (let i = 0; i < iterations; i++) {
      const cancel = new AbortController();
      const incoming = callee.pluginEvent('incomingcall', cancel.signal, 1_000);
      const started = performance.now();
      const transaction = caller.send(caller.message({ request: 'call', username: callee.name }, { type: 'offer', sdp: OFFER_SDP }));
      // A PeerConnection still closing from the previous call makes Janus answer 490: retry then.
      const refused = nextJson<JanusReply>(
        callerSocket,
        (m) => m.transaction === transaction && (m.janus === 'error' || m.plugindata?.data?.error !== undefined),
        5_000,
        'call',
        cancel.signal,
      );
      const outcome = await Promise.race([incoming.then(() => 'incoming' as const), refused.then(() => 'refused' as const)]).catch(
        () => 'lost' as const,
      );
      cancel.abort();
      incoming.catch(() => undefined);
      refused.catch(() => undefined);
      if (outcome === 'lost') {
        // Janus answered `calling` but never told the callee: count it, reset both sides, go on.
        if (++lost > 20) throw new Error(`janus lost ${lost} calls (last refusal ${lastRefusal})`);
        caller.send(caller.message({ request: 'hangup' }));
        callee.send(callee.message({ request: 'hangup' }));
        await new Promise((r) => setTimeout(r, 500));
        i--;
        continue;
      }
      if (outcome === 'refused') {
        lastRefusal = JSON.stringify(await refused.catch(() => undefined)).slice(0, 300);
        if (++retries > 200) throw new Error(`janus refused ${retries} calls`);
        await new Promise((r) => setTimeout(r, 50));
        i--;
        continue;
      }
      samples.push(performance.now() - started);
      const callerHangup = caller.pluginEvent('hangup');
      const calleeHangup = callee.pluginEvent('hangup');
      // The PeerConnection is torn down after the plugin's hangup; a new `call` before the core's
      // `hangup` ("Close PC") fails with 490 "Error setting ICE locally".
      // The callee's handle tears down asynchronously too; a call racing it is silently lost.
      const closed = Promise.all([caller.coreHangup(), callee.coreHangup()]).catch(() => undefined);
      caller.send(caller.message({ request: 'hangup' }));
      await Promise.all([callerHangup, calleeHangup, closed]);
      await new Promise((r) => setTimeout(r, 10));
    }
    callerSocket.close();
    calleeSocket.close();
    console.log(JSON.stringify({ janus: { samples, retries, lost } }));
  } catch (error) {
    console.log(JSON.stringify({ janus: { skipped: `${(error as Error).message}`.slice(0, 500) } }));
  } finally {
    janus?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
