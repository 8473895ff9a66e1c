/**
 * A Janus of its own for tests that use "remote" mode (`OPENCALL_JANUS_URLS`): several server nodes,
 * or several `JanusSfu`s, share it. Config written by the server's own `writeJanusConfig` (WebSocket
 * API on 127.0.0.1 behind an API secret, `reclaim_session_timeout` set so a session outlives the
 * connection of the node that drove it). Runs in the foreground as a child of the test process, is
 * SIGKILLed on `stop()` or when the test process exits, its folder removed.
 *
 *   const janus = await startJanusServer({ iceInterface: veth.iface });
 *   // OPENCALL_JANUS_URLS = janus.urlWithSecret
 *   await janus.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { JanusClient } from '../../packages/server/src/adapters/sfu/janus/janus-client.js';
import { newJanusSecret, writeJanusConfig } from '../../packages/server/src/adapters/sfu/janus/janus-config.js';
import { freePort } from './free-port.js';

export const JANUS_BINARY = '/usr/bin/janus';
const READY_TIMEOUT_MS = 10_000;

export interface JanusServer {
  /** `ws://127.0.0.1:<port>/` (no secret). */
  url: string;
  apiSecret: string;
  /** The URL with `?apisecret=…`, as `OPENCALL_JANUS_URLS` takes it. */
  urlWithSecret: string;
  /** Janus's output, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface JanusServerOptions {
  /** `ice_enforce_list` (Janus never gathers on loopback); unset for signaling-only tests. */
  iceInterface?: string;
  /** `reclaim_session_timeout` in seconds (default 30). */
  reclaimSessionTimeoutS?: number;
}

async function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'janus-protocol');
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
  });
}

export async function startJanusServer(options: JanusServerOptions = {}): Promise<JanusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-janus-'));
  const wsPort = await freePort();
  const rtpBase = 30_000 + Math.floor(Math.random() * 300) * 100;
  const apiSecret = newJanusSecret();
  const configFile = writeJanusConfig(dir, {
    wsPort,
    apiSecret,
    adminSecret: newJanusSecret(),
    rtpPortRange: [rtpBase, rtpBase + 99],
    iceInterface: options.iceInterface,
    reclaimSessionTimeoutS: options.reclaimSessionTimeoutS ?? 30,
  });
  const child: ChildProcess = spawn(JANUS_BINARY, ['-F', dir, '-C', configFile, '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `ws://127.0.0.1:${wsPort}/`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Janus did not answer on ${url} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, apiSecret, urlWithSecret: `${url}?apisecret=${apiSecret}`, logs: () => output, stop };
}

/** A minimal browser-like audio offer with no candidates (signaling-only tests: nothing is gathered or sent anywhere). */
export const SIGNALING_ONLY_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS stream',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendonly',
  'a=msid:stream track',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=ssrc:1001 cname:opencall',
  '',
].join('\r\n');

/** The displays (user ids) in a VideoRoom, asked on a session of its own: a third party's view of the room. */
export async function videoRoomParticipants(server: Pick<JanusServer, 'url' | 'apiSecret'>, roomId: number): Promise<string[]> {
  const client = await JanusClient.connect(server.url, { apiSecret: server.apiSecret });
  try {
    const handle = await client.attach('janus.plugin.videoroom');
    const reply = await client.message(handle, { request: 'listparticipants', room: roomId });
    const list = (reply.plugindata?.data.participants ?? []) as { display?: string }[];
    return list.map((p) => p.display ?? '').sort();
  } finally {
    client.close();
  }
}
