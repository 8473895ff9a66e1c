import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY_DELAYS_MS, webhookConfigFromEnv } from './webhook-config.js';
import { retryAfterMs } from './webhook-post.js';

describe('webhook configuration', () => {
  it('defaults: nothing sent, 5 s timeout, 24 h horizon, the default schedule, private targets refused', () => {
    expect(webhookConfigFromEnv({})).toEqual({
      url: undefined,
      secret: undefined,
      rtcCallbackUrl: undefined,
      allowPrivate: false,
      timeoutMs: 5000,
      giveUpAfterMs: 86_400_000,
      retryDelaysMs: DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
      roomSnapshotIntervalMs: 120_000,
    });
  });

  it('reads every variable', () => {
    const config = webhookConfigFromEnv({
      OPENCALL_WEBHOOK_URL: 'https://hooks.example.com/opencall',
      OPENCALL_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      OPENCALL_RTC_CALLBACK_URL: 'https://hooks.example.com/rtc',
      OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
      OPENCALL_WEBHOOK_TIMEOUT_MS: '2000',
      OPENCALL_WEBHOOK_GIVE_UP_AFTER_S: '3600',
      OPENCALL_WEBHOOK_RETRY_DELAYS_MS: '100, 200,300',
    });
    expect(config).toMatchObject({ allowPrivate: true, timeoutMs: 2000, giveUpAfterMs: 3_600_000, retryDelaysMs: [100, 200, 300] });
  });

  it('refuses a URL without a secret, a short secret, bad URLs and bad numbers', () => {
    expect(() => webhookConfigFromEnv({ OPENCALL_WEBHOOK_URL: 'https://x.example/h' })).toThrow(/needs OPENCALL_WEBHOOK_SECRET/);
    expect(() => webhookConfigFromEnv({ OPENCALL_WEBHOOK_SECRET: 'short' })).toThrow(/at least 16/);
    expect(() => webhookConfigFromEnv({ OPENCALL_RTC_CALLBACK_URL: 'ftp://x.example/h' })).toThrow(/http\(s\) URL/);
    expect(() => webhookConfigFromEnv({ OPENCALL_WEBHOOK_RETRY_DELAYS_MS: '1,x' })).toThrow(/comma list/);
    expect(() => webhookConfigFromEnv({ OPENCALL_WEBHOOK_GIVE_UP_AFTER_S: '0' })).toThrow(/GIVE_UP_AFTER_S/);
    expect(() => webhookConfigFromEnv({ OPENCALL_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/0 or 1/);
  });

  it('Retry-After: seconds or an HTTP date; nothing readable → the schedule', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
