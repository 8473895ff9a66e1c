/** Server configuration, read once from the environment (README "Configuration" lists every variable). */
import { randomBytes } from 'node:crypto';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_RING_TIMEOUT_MS, MAX_FRAME_BYTES } from '@opencall/protocol';
import { defaultMaxPendingConnections, softOpenFileLimit } from './open-file-limit.js';
import { type WebPushConfig, webPushConfigFromEnv } from './services/push/web-push-config.js';
import { type WebhookConfig, webhookConfigFromEnv } from './services/webhooks/webhook-config.js';

export interface ServerConfig {
  /** TCP port (env PORT, default 8080; 0 picks a free port). */
  port: number;
  /** Bind address (env HOST, default 127.0.0.1). */
  host: string;
  /** Folder for the SQLite file and generated secrets (env OPENCALL_DATA_DIR, default ./data). */
  dataDir: string;
  /** Default app (env OPENCALL_APP_KEY / OPENCALL_APP_SECRET; generated and printed when unset). */
  appKey: string | undefined;
  appSecret: string | undefined;
  /** Console password (env OPENCALL_ADMIN_PASSWORD; generated, stored hashed and printed once when unset). */
  adminPassword: string | undefined;
  /** Console session lifetime in seconds (env OPENCALL_CONSOLE_SESSION_TTL_S, default 28800 = 8 h). */
  consoleSessionTtlS: number;
  /** No-answer timeout in ms (env OPENCALL_RING_TIMEOUT_MS, default 60000). */
  ringTimeoutMs: number;
  /** Heartbeat interval announced to clients (env OPENCALL_HEARTBEAT_MS, default 15000). */
  heartbeatMs: number;
  /** `NODE_ENV=production` (any case): the development helpers stay off whatever else is set. */
  production: boolean;
  /** pino level (env LOG_LEVEL, default info). */
  logLevel: string;
  /** Webhook that receives push notices for offline callees (env OPENCALL_PUSH_WEBHOOK_URL; unset = no push). */
  pushWebhookUrl: string | undefined;
  /** Attempts to deliver an outbox row (a push notice) before it is given up (env OPENCALL_OUTBOX_MAX_ATTEMPTS, default 8). */
  outboxMaxAttempts: number;
  /** Call webhooks and RTC room status sync (services/webhooks/webhook-config.ts lists the variables). */
  webhooks: WebhookConfig;
  /** Days call timelines and quality samples are kept (env OPENCALL_QUALITY_RETENTION_DAYS, default 30). */
  qualityRetentionDays: number;
  /** Web Push to devices with no connection (services/push/web-push-config.ts lists the variables). */
  webPush: WebPushConfig;
  /** How long a dropped device keeps its place in a call (env OPENCALL_RECONNECT_GRACE_MS, default 20000). */
  reconnectGraceMs: number;
  /** How long a dropped device's event stream waits for a resume (env OPENCALL_STREAM_KEEP_MS, default grace + 10000). */
  streamKeepMs: number;
  /** On SIGTERM, how long calls in flight may go on before they are ended (env OPENCALL_DRAIN_TIMEOUT_MS, default 3000). */
  drainTimeoutMs: number;
  /** Frames per second one WebSocket may send, sustained (env OPENCALL_WS_RATE_PER_SEC, default 200; burst 2×). */
  wsFramesPerSecond: number;
  /** Devices one user may have connected at once (env OPENCALL_MAX_DEVICES_PER_USER, default 10). */
  maxDevicesPerUser: number;
  /** Participants a group call may hold with an SFU (env OPENCALL_MAX_CALL_PARTICIPANTS, default 16). */
  maxCallParticipants: number;
  /** Calls one user may place per minute (env OPENCALL_CALLS_PER_MINUTE, default 30). */
  callsPerMinute: number;
  /** Server-API requests per second per App Key (env OPENCALL_API_RATE_PER_SEC, default 100; getToken twice that). */
  apiRatePerSec: number;
  /** `off` disables the SFU: group calls use a P2P mesh (env OPENCALL_SFU, default auto). */
  sfu: 'auto' | 'off';
  /** Running Janus instances (env OPENCALL_JANUS_URLS, comma list of ws:// URLs); empty = local Janus if installed. */
  janusUrls: string[];
  /** Janus `api_secret` (env OPENCALL_JANUS_API_SECRET): the local Janus's (else random per start), and remote URLs' without `?apisecret=`. */
  janusApiSecret: string | undefined;
  /** Janus binary for the local mode (env OPENCALL_JANUS_BIN, default `janus` on PATH). */
  janusBinary: string;
  /** Interface(s) the local Janus gathers ICE on (env OPENCALL_JANUS_ICE_INTERFACE → `ice_enforce_list`). */
  janusIceInterface: string | undefined;
  /** Address the local Janus announces (env OPENCALL_JANUS_NAT_1_1 → `nat_1_1_mapping`). */
  janusNat11Mapping: string | undefined;
  /** RTP port range of the local Janus (env OPENCALL_JANUS_RTP_PORTS, default 20000-29999). */
  janusRtpPorts: readonly [number, number];
  /** TURN URLs handed to clients (env OPENCALL_TURN_URLS, comma list); needs `turnSecret`. */
  turnUrls: string[];
  /** coturn `static-auth-secret` (env OPENCALL_TURN_SECRET). */
  turnSecret: string | undefined;
  /** Lifetime of TURN credentials in seconds (env OPENCALL_TURN_TTL_S, default and most 3600); refreshed at 80 %. */
  turnTtlS: number;
  /** Loopback-only `/debug/heap` routes (env OPENCALL_DEBUG_HEAP=1; never when `production`). */
  debugHeap: boolean;
  /** Postgres instead of the SQLite file (env OPENCALL_DATABASE_URL, postgres:// or postgresql://; unset = SQLite). */
  databaseUrl: string | undefined;
  /** Connections in the Postgres pool (env OPENCALL_DATABASE_POOL_SIZE, default 10). */
  databasePoolSize: number;
  /** Cluster mode: Redis (env OPENCALL_REDIS_URL, redis:// or rediss://; unset = one process). Needs OPENCALL_DATABASE_URL. */
  redisUrl: string | undefined;
  /** Namespace of every Redis key of this cluster (env OPENCALL_CLUSTER, default `opencall`). */
  cluster: string;
  /** This node's name in the cluster (env OPENCALL_NODE_ID, default `node-` + random). */
  nodeId: string;
  /** Loopback-only `GET /dev/token` for the demo (env OPENCALL_DEV_TOKENS=1, `npm start`; never when `production`). */
  devTokens: boolean;
  /** Development helpers asked for but refused because of `production` (env names, for the start-up log). */
  devHelpersRefused: string[];
  /** Unsent bytes one WebSocket may hold before it is terminated as a slow reader (env OPENCALL_WS_MAX_BUFFERED_BYTES, default 1 MiB). */
  wsMaxBufferedBytes: number;
  /** Error replies per second one WebSocket gets for rejected frames (env OPENCALL_WS_ERROR_REPLIES_PER_SEC, default 20; burst 2×). */
  wsErrorRepliesPerSecond: number;
  /** Time to receive a request's headers, also the idle time of a fresh connection (env OPENCALL_HTTP_HEADERS_TIMEOUT_MS, default 10000). */
  httpHeadersTimeoutMs: number;
  /** Time to receive a whole request (env OPENCALL_HTTP_REQUEST_TIMEOUT_MS, default 30000; at least the headers timeout). */
  httpRequestTimeoutMs: number;
  /** Idle time of a keep-alive connection between requests (env OPENCALL_HTTP_KEEP_ALIVE_TIMEOUT_MS, default 5000). */
  httpKeepAliveTimeoutMs: number;
  /** Unauthenticated connections at once (env OPENCALL_MAX_PENDING_CONNECTIONS, default half the open-file limit, else 10000). */
  maxPendingConnections: number;
  /** Unauthenticated connections at once from one IPv4 address or IPv6 /64 (env OPENCALL_MAX_PENDING_PER_IP, default 1000). */
  maxPendingPerIp: number;
  /** Accepted server-API timestamp difference in seconds; nonces are single-use within it (env OPENCALL_API_SIGNATURE_WINDOW_S, default 300). */
  apiSignatureWindowS: number;
  /** Refuse RongCloud (v1) signatures: only HMAC-SHA256 v2 (env OPENCALL_API_REQUIRE_SIGNATURE_V2=1). */
  apiRequireSignatureV2: boolean;
  /** Accept reused RongCloud (v1) signing headers, as RongCloud's Node SDK 3.x sends (env OPENCALL_API_ALLOW_REUSED_SIGNATURES=1; no replay protection for v1). */
  apiLegacyReusedSignatures: boolean;
  /** Tokens older than this (seconds) are refused at connect with 31020 (env OPENCALL_TOKEN_TTL_S; unset = no expiry). */
  tokenTtlS: number | undefined;
  /** `GET /metrics` requires `Authorization: Bearer <token>` (env OPENCALL_METRICS_TOKEN; unset = open). */
  metricsToken: string | undefined;
}

/** Cluster mode's variables: Redis URL (which also needs a shared Postgres), cluster name, node id. */
function clusterFromEnv(env: NodeJS.ProcessEnv): Pick<ServerConfig, 'redisUrl' | 'cluster' | 'nodeId'> {
  const redisUrl = env.OPENCALL_REDIS_URL || undefined;
  if (redisUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(redisUrl).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new Error(
        `OPENCALL_REDIS_URL must look like redis://host:6379, got ${JSON.stringify(redisUrl.replace(/\/\/[^/@]*@/, '//***@'))}`,
      );
    }
    if (!env.OPENCALL_DATABASE_URL)
      throw new Error('OPENCALL_REDIS_URL (cluster mode) needs OPENCALL_DATABASE_URL: the nodes share one Postgres');
  }
  const name = (label: string, raw: string | undefined, fallback: string): string => {
    const value = raw || fallback;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(value))
      throw new Error(`${label} must be 1-64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(value)}`);
    return value;
  };
  return {
    redisUrl,
    cluster: name('OPENCALL_CLUSTER', env.OPENCALL_CLUSTER, 'opencall'),
    nodeId: name('OPENCALL_NODE_ID', env.OPENCALL_NODE_ID, `node-${randomBytes(4).toString('hex')}`),
  };
}

function listFromEnv(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function portRangeFromEnv(raw: string | undefined): readonly [number, number] {
  if (!raw) return [20000, 29999];
  const match = /^(\d+)-(\d+)$/.exec(raw);
  const range = match ? ([Number(match[1]), Number(match[2])] as const) : undefined;
  if (!range || range[0] < 1024 || range[1] > 65535 || range[1] <= range[0]) {
    throw new Error(`OPENCALL_JANUS_RTP_PORTS must look like 20000-29999, got ${JSON.stringify(raw)}`);
  }
  return range;
}

/** The URL with its password masked, for error messages and logs. */
export function redactDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//***@');
  }
}

function databaseUrlFromEnv(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || (url.hostname === '' && !url.searchParams.has('host'))) {
    throw new Error(
      `OPENCALL_DATABASE_URL must look like postgres://user:password@host:5432/database, got ${JSON.stringify(redactDatabaseUrl(raw))}`,
    );
  }
  return raw;
}

function janusSecretFromEnv(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^[A-Za-z0-9._-]{16,256}$/.test(raw)) throw new Error('OPENCALL_JANUS_API_SECRET must be 16-256 characters of A-Z a-z 0-9 . _ -');
  return raw;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** An on/off switch: unset, `0` or `1`. */
function flagFromEnv(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name} must be 0 or 1, got ${JSON.stringify(raw)}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const production = env.NODE_ENV?.trim().toLowerCase() === 'production';
  const devHelpersAsked = ['OPENCALL_DEV_TOKENS', 'OPENCALL_DEBUG_HEAP'].filter((name) => flagFromEnv(env, name));
  const reconnectGraceMs = intFromEnv(env, 'OPENCALL_RECONNECT_GRACE_MS', 20_000, 0, 600_000);
  const httpHeadersTimeoutMs = intFromEnv(env, 'OPENCALL_HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 600_000);
  return {
    port: intFromEnv(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: env.OPENCALL_DATA_DIR || './data',
    appKey: env.OPENCALL_APP_KEY || undefined,
    appSecret: env.OPENCALL_APP_SECRET || undefined,
    adminPassword: env.OPENCALL_ADMIN_PASSWORD || undefined,
    consoleSessionTtlS: intFromEnv(env, 'OPENCALL_CONSOLE_SESSION_TTL_S', 28_800, 1, 30 * 86_400),
    ringTimeoutMs: intFromEnv(env, 'OPENCALL_RING_TIMEOUT_MS', DEFAULT_RING_TIMEOUT_MS, 1000, 600_000),
    heartbeatMs: intFromEnv(env, 'OPENCALL_HEARTBEAT_MS', DEFAULT_HEARTBEAT_MS, 1000, 120_000),
    production,
    logLevel: env.LOG_LEVEL || 'info',
    pushWebhookUrl: env.OPENCALL_PUSH_WEBHOOK_URL || undefined,
    outboxMaxAttempts: intFromEnv(env, 'OPENCALL_OUTBOX_MAX_ATTEMPTS', 8, 1, 100),
    webhooks: webhookConfigFromEnv(env),
    qualityRetentionDays: intFromEnv(env, 'OPENCALL_QUALITY_RETENTION_DAYS', 30, 1, 3650),
    webPush: webPushConfigFromEnv(env),
    reconnectGraceMs,
    streamKeepMs: intFromEnv(env, 'OPENCALL_STREAM_KEEP_MS', reconnectGraceMs + 10_000, 1000, 3_600_000),
    drainTimeoutMs: intFromEnv(env, 'OPENCALL_DRAIN_TIMEOUT_MS', 3000, 0, 600_000),
    wsFramesPerSecond: intFromEnv(env, 'OPENCALL_WS_RATE_PER_SEC', 200, 1, 1_000_000),
    maxDevicesPerUser: intFromEnv(env, 'OPENCALL_MAX_DEVICES_PER_USER', 10, 1, 1000),
    maxCallParticipants: intFromEnv(env, 'OPENCALL_MAX_CALL_PARTICIPANTS', 16, 2, 64),
    callsPerMinute: intFromEnv(env, 'OPENCALL_CALLS_PER_MINUTE', 30, 1, 1_000_000),
    apiRatePerSec: intFromEnv(env, 'OPENCALL_API_RATE_PER_SEC', 100, 1, 1_000_000),
    sfu: env.OPENCALL_SFU === 'off' ? 'off' : 'auto',
    janusUrls: listFromEnv(env.OPENCALL_JANUS_URLS),
    janusApiSecret: janusSecretFromEnv(env.OPENCALL_JANUS_API_SECRET),
    janusBinary: env.OPENCALL_JANUS_BIN || 'janus',
    janusIceInterface: env.OPENCALL_JANUS_ICE_INTERFACE || undefined,
    janusNat11Mapping: env.OPENCALL_JANUS_NAT_1_1 || undefined,
    janusRtpPorts: portRangeFromEnv(env.OPENCALL_JANUS_RTP_PORTS),
    turnUrls: listFromEnv(env.OPENCALL_TURN_URLS),
    turnSecret: env.OPENCALL_TURN_SECRET || undefined,
    turnTtlS: intFromEnv(env, 'OPENCALL_TURN_TTL_S', 3600, 10, 3600),
    debugHeap: devHelpersAsked.includes('OPENCALL_DEBUG_HEAP') && !production,
    devTokens: devHelpersAsked.includes('OPENCALL_DEV_TOKENS') && !production,
    devHelpersRefused: production ? devHelpersAsked : [],
    databaseUrl: databaseUrlFromEnv(env.OPENCALL_DATABASE_URL),
    databasePoolSize: intFromEnv(env, 'OPENCALL_DATABASE_POOL_SIZE', 10, 1, 1000),
    ...clusterFromEnv(env),
    wsMaxBufferedBytes: intFromEnv(env, 'OPENCALL_WS_MAX_BUFFERED_BYTES', 1024 * 1024, MAX_FRAME_BYTES, 1024 * 1024 * 1024),
    wsErrorRepliesPerSecond: intFromEnv(env, 'OPENCALL_WS_ERROR_REPLIES_PER_SEC', 20, 1, 1_000_000),
    httpHeadersTimeoutMs,
    httpRequestTimeoutMs: intFromEnv(
      env,
      'OPENCALL_HTTP_REQUEST_TIMEOUT_MS',
      Math.max(30_000, httpHeadersTimeoutMs),
      httpHeadersTimeoutMs,
      3_600_000,
    ),
    httpKeepAliveTimeoutMs: intFromEnv(env, 'OPENCALL_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
    maxPendingConnections: intFromEnv(
      env,
      'OPENCALL_MAX_PENDING_CONNECTIONS',
      defaultMaxPendingConnections(softOpenFileLimit()),
      1,
      10_000_000,
    ),
    maxPendingPerIp: intFromEnv(env, 'OPENCALL_MAX_PENDING_PER_IP', 1000, 1, 10_000_000),
    apiSignatureWindowS: intFromEnv(env, 'OPENCALL_API_SIGNATURE_WINDOW_S', 300, 5, 3600),
    apiRequireSignatureV2: env.OPENCALL_API_REQUIRE_SIGNATURE_V2 === '1',
    apiLegacyReusedSignatures: env.OPENCALL_API_ALLOW_REUSED_SIGNATURES === '1',
    tokenTtlS: env.OPENCALL_TOKEN_TTL_S ? intFromEnv(env, 'OPENCALL_TOKEN_TTL_S', 0, 1, 10 * 365 * 86_400) : undefined,
    metricsToken: env.OPENCALL_METRICS_TOKEN?.trim() || undefined,
  };
}
