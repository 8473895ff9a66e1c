/** Server configuration, read once from the environment (README "Configuration" lists every variable). */
import { DEFAULT_HEARTBEAT_MS, DEFAULT_RING_TIMEOUT_MS } from '@opencall/protocol';

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
  /** No-answer timeout in ms (env OPENCALL_RING_TIMEOUT_MS, default 60000). */
  ringTimeoutMs: number;
  /** Heartbeat interval announced to clients (env OPENCALL_HEARTBEAT_MS, default 15000). */
  heartbeatMs: number;
  /** `NODE_ENV=production` turns off the development token helper. */
  production: boolean;
  /** pino level (env LOG_LEVEL, default info). */
  logLevel: string;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: intFromEnv(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: env.OPENCALL_DATA_DIR || './data',
    appKey: env.OPENCALL_APP_KEY || undefined,
    appSecret: env.OPENCALL_APP_SECRET || undefined,
    ringTimeoutMs: intFromEnv(env, 'OPENCALL_RING_TIMEOUT_MS', DEFAULT_RING_TIMEOUT_MS, 1000, 600_000),
    heartbeatMs: intFromEnv(env, 'OPENCALL_HEARTBEAT_MS', DEFAULT_HEARTBEAT_MS, 1000, 120_000),
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
