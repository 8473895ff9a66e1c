import { describe, expect, it } from 'vitest';
import { webPushConfigFromEnv } from './web-push-config.js';
import { pushTtlSeconds } from './web-push-sender.js';

describe('web push config', () => {
  it('is off without a subject; a subject must be mailto: or https://', () => {
    expect(webPushConfigFromEnv({})).toEqual({ subject: undefined, allowPrivateEndpoints: false, declinesPerMinute: 10 });
    expect(webPushConfigFromEnv({ OPENCALL_WEB_PUSH_SUBJECT: 'mailto:ops@example.com' }).subject).toBe('mailto:ops@example.com');
    expect(() => webPushConfigFromEnv({ OPENCALL_WEB_PUSH_SUBJECT: 'ops@example.com' })).toThrow(/mailto: or https/);
    expect(() => webPushConfigFromEnv({ OPENCALL_WEB_PUSH_ALLOW_PRIVATE: 'yes' })).toThrow(/0 or 1/);
    expect(() => webPushConfigFromEnv({ OPENCALL_WEB_PUSH_DECLINES_PER_MINUTE: '0' })).toThrow(/1 to 10000/);
    expect(webPushConfigFromEnv({ OPENCALL_WEB_PUSH_ALLOW_PRIVATE: '1', OPENCALL_WEB_PUSH_DECLINES_PER_MINUTE: '3' })).toMatchObject({
      allowPrivateEndpoints: true,
      declinesPerMinute: 3,
    });
  });
});

describe('push TTL', () => {
  it('a ring lives as long as the ring has left (rounded up), nothing once it is over; replacements outlive it', () => {
    expect(pushTtlSeconds({ kind: 'call', ringDeadline: 60_000 }, 0)).toBe(60);
    expect(pushTtlSeconds({ kind: 'call', ringDeadline: 60_000 }, 59_001)).toBe(1);
    expect(pushTtlSeconds({ kind: 'call', ringDeadline: 60_000 }, 60_000)).toBe(0);
    expect(pushTtlSeconds({ kind: 'call', ringDeadline: 60_000 }, 70_000)).toBe(0);
    expect(pushTtlSeconds({ kind: 'hangup', ringDeadline: 60_000 }, 70_000)).toBe(3600);
    expect(pushTtlSeconds({ kind: 'close', ringDeadline: 60_000 }, 70_000)).toBe(60);
    expect(pushTtlSeconds({ kind: 'close', ringDeadline: 200_000 }, 0)).toBe(200);
  });
});
