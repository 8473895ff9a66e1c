/** Webhook settings, read from the environment with the rest of the configuration (README "Webhooks"). */

export interface WebhookConfig {
  /** Native call events go here (env OPENCALL_WEBHOOK_URL; unset = none written). */
  url: string | undefined;
  /** Standard Webhooks signing secret (env OPENCALL_WEBHOOK_SECRET; `whsec_<base64>` or any text ≥ 16 chars); required with the URL. */
  secret: string | undefined;
  /** RongCloud-compatible RTC room status sync goes here (env OPENCALL_RTC_CALLBACK_URL; unset = none written). */
  rtcCallbackUrl: string | undefined;
  /** Private and loopback targets allowed (env OPENCALL_WEBHOOK_ALLOW_PRIVATE=1; default refused). */
  allowPrivate: boolean;
  /** One attempt's bound, connect to answer (env OPENCALL_WEBHOOK_TIMEOUT_MS, default 5000). */
  timeoutMs: number;
  /** An event not delivered this long after its transition is given up (env OPENCALL_WEBHOOK_GIVE_UP_AFTER_S, default 86400 = 24 h). */
  giveUpAfterMs: number;
  /** Waits after the 1st, 2nd, … failed attempt, the last repeating (env OPENCALL_WEBHOOK_RETRY_DELAYS_MS, comma list). */
  retryDelaysMs: readonly number[];
  /** RTC room status sync's periodic room snapshot, event 1 (env OPENCALL_RTC_SYNC_INTERVAL_S, default 120; RongCloud allows 15–600). */
  roomSnapshotIntervalMs: number;
}

/** 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, then every 4 h (± 20 % jitter each) until the horizon. */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000,
];

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return value;
}

function delays(raw: string | undefined): readonly number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
  const list = raw.split(',').map((part) => Number(part.trim()));
  if (list.some((ms) => !Number.isInteger(ms) || ms < 0 || ms > 86_400_000)) {
    throw new Error(`OPENCALL_WEBHOOK_RETRY_DELAYS_MS must be a comma list of integers in [0, 86400000] ms, got ${JSON.stringify(raw)}`);
  }
  return list;
}

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw;
}

export function webhookConfigFromEnv(env: NodeJS.ProcessEnv): WebhookConfig {
  const allowRaw = env.OPENCALL_WEBHOOK_ALLOW_PRIVATE;
  if (allowRaw !== undefined && allowRaw !== '' && allowRaw !== '0' && allowRaw !== '1') {
    throw new Error(`OPENCALL_WEBHOOK_ALLOW_PRIVATE must be 0 or 1, got ${JSON.stringify(allowRaw)}`);
  }
  const config: WebhookConfig = {
    url: url(env, 'OPENCALL_WEBHOOK_URL'),
    secret: env.OPENCALL_WEBHOOK_SECRET || undefined,
    rtcCallbackUrl: url(env, 'OPENCALL_RTC_CALLBACK_URL'),
    allowPrivate: allowRaw === '1',
    timeoutMs: int(env, 'OPENCALL_WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
    giveUpAfterMs: int(env, 'OPENCALL_WEBHOOK_GIVE_UP_AFTER_S', 86_400, 1, 30 * 86_400) * 1000,
    retryDelaysMs: delays(env.OPENCALL_WEBHOOK_RETRY_DELAYS_MS),
    roomSnapshotIntervalMs: int(env, 'OPENCALL_RTC_SYNC_INTERVAL_S', 120, 1, 600) * 1000,
  };
  if (config.url && !config.secret)
    throw new Error('OPENCALL_WEBHOOK_URL needs OPENCALL_WEBHOOK_SECRET (the receiver verifies every event with it)');
  if (config.secret && !config.secret.startsWith('whsec_') && config.secret.length < 16) {
    throw new Error('OPENCALL_WEBHOOK_SECRET must be whsec_<base64> or at least 16 characters');
  }
  return config;
}
