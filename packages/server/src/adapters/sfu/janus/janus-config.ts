/**
 * Writes a private Janus configuration folder: WebSocket API on 127.0.0.1 only and behind an API
 * secret (every request must carry `apisecret`), admin API off (and behind its own secret should it
 * ever be turned on), HTTP and every other transport, plugin, event handler and logger off, a sized
 * RTP port range, full trickle.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface JanusConfigOptions {
  /** WebSocket API port on 127.0.0.1. */
  wsPort: number;
  /** `api_secret`: requests without it are refused (403), so nothing else on the machine can drive Janus. */
  apiSecret: string;
  /** `admin_secret` for the (disabled) admin API. */
  adminSecret: string;
  /** RTP/RTCP port range, e.g. `[20000, 20999]`: each PeerConnection uses one port. */
  rtpPortRange: readonly [number, number];
  /** Interfaces Janus may gather ICE candidates on (`ice_enforce_list`); unset = all but loopback. */
  iceInterface?: string | undefined;
  /** Public address announced instead of the gathered ones (`nat_1_1_mapping`). */
  nat11Mapping?: string | undefined;
  /** Janus install folders (Debian's by default). */
  libDir?: string;
  /** Janus log level 0–7 (default 3: warnings). */
  debugLevel?: number;
  /**
   * `reclaim_session_timeout` (s): how long a session whose connection died is kept for a `claim`,
   * media flowing (unset: destroyed at once). A Janus shared by cluster nodes needs it (README).
   */
  reclaimSessionTimeoutS?: number | undefined;
  /**
   * `event_loops`: PeerConnections share this many media threads (default: one per CPU core);
   * 0 = Janus's own default, one thread per handle. Shared loops forwarded ≈ 3× more packets per
   * Janus CPU-second in `npm run bench -- --only sfu-fanout` (README, Performance).
   */
  eventLoops?: number | undefined;
}

export const DEBIAN_JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

const UNUSED_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'streaming',
  'textroom',
  'videocall',
  'voicemail',
].map((name) => `libjanus_${name}.so`);
const UNUSED_TRANSPORTS = ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map((name) => `libjanus_${name}.so`);
const EVENT_HANDLERS = ['gelfevh', 'mqttevh', 'nanomsgevh', 'rabbitmqevh', 'sampleevh', 'wsevh'].map((name) => `libjanus_${name}.so`);

/** What a Janus secret may be (written into a quoted config string, sent in JSON). */
export const JANUS_SECRET = /^[A-Za-z0-9._-]{16,256}$/;

/** A fresh random secret (192 bits, base64url). */
export function newJanusSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Janus config strings are double-quoted; refuse anything that could break out of them. */
function quoted(value: string): string {
  if (!/^[\w.,:/ -]*$/.test(value)) throw new Error(`unsafe Janus config value ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** The files of the folder, by name. Pure: unit-tested. */
export function renderJanusConfig(dir: string, options: JanusConfigOptions): Record<string, string> {
  const lib = options.libDir ?? DEBIAN_JANUS_LIB_DIR;
  const [rtpMin, rtpMax] = options.rtpPortRange;
  for (const secret of [options.apiSecret, options.adminSecret]) {
    if (!JANUS_SECRET.test(secret)) throw new Error('Janus secrets must be 16-256 characters of A-Z a-z 0-9 . _ -');
  }
  if (!(rtpMin > 0 && rtpMax > rtpMin && rtpMax <= 65535)) throw new Error(`bad RTP port range ${rtpMin}-${rtpMax}`);
  const eventLoops = options.eventLoops ?? availableParallelism();
  if (!(Number.isInteger(eventLoops) && eventLoops >= 0 && eventLoops <= 256)) throw new Error(`bad event loop count ${eventLoops}`);
  const nat = ['\tfull_trickle = true', '\tice_ignore_list = "vmnet"'];
  if (options.iceInterface) nat.push(`\tice_enforce_list = ${quoted(options.iceInterface)}`);
  if (options.nat11Mapping) nat.push(`\tnat_1_1_mapping = ${quoted(options.nat11Mapping)}`);
  const janus = [
    'general: {',
    `\tconfigs_folder = ${quoted(dir)}`,
    `\tplugins_folder = ${quoted(`${lib}/plugins`)}`,
    `\ttransports_folder = ${quoted(`${lib}/transports`)}`,
    `\tevents_folder = ${quoted(`${lib}/events`)}`,
    `\tloggers_folder = ${quoted(`${lib}/loggers`)}`,
    `\tdebug_level = ${options.debugLevel ?? 3}`,
    '\tsession_timeout = 60',
    ...(eventLoops > 0 ? [`\tevent_loops = ${eventLoops}`] : []),
    ...(options.reclaimSessionTimeoutS === undefined ? [] : [`\treclaim_session_timeout = ${Math.trunc(options.reclaimSessionTimeoutS)}`]),
    `\tapi_secret = "${options.apiSecret}"`,
    `\tadmin_secret = "${options.adminSecret}"`,
    '\ttoken_auth = false',
    '}',
    'media: {',
    `\trtp_port_range = "${rtpMin}-${rtpMax}"`,
    '}',
    'nat: {',
    ...nat,
    '}',
    'plugins: {',
    `\tdisable = ${quoted(UNUSED_PLUGINS.join(','))}`,
    '}',
    'transports: {',
    `\tdisable = ${quoted(UNUSED_TRANSPORTS.join(','))}`,
    '}',
    'loggers: {',
    '\tdisable = "libjanus_jsonlog.so"',
    '}',
    'events: {',
    '\tbroadcast = false',
    `\tdisable = ${quoted(EVENT_HANDLERS.join(','))}`,
    '}',
    '',
  ].join('\n');
  const websockets = [
    'general: {',
    '\tjson = "compact"',
    '\tws = true',
    `\tws_port = ${options.wsPort}`,
    '\tws_ip = "127.0.0.1"',
    '\twss = false',
    '}',
    'admin: {',
    '\tadmin_ws = false',
    '\tadmin_wss = false',
    '}',
    '',
  ].join('\n');
  // No static rooms: the server creates one per call.
  const videoroom = ['general: {', '}', ''].join('\n');
  return {
    'janus.jcfg': janus,
    'janus.transport.websockets.jcfg': websockets,
    'janus.plugin.videoroom.jcfg': videoroom,
  };
}

/** Writes the folder and returns the path of `janus.jcfg`. */
export function writeJanusConfig(dir: string, options: JanusConfigOptions): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [name, text] of Object.entries(renderJanusConfig(dir, options))) writeFileSync(join(dir, name), text, { mode: 0o600 });
  return join(dir, 'janus.jcfg');
}
