import { describe, expect, it } from 'vitest';
import { ConsoleSessions } from './console-session.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password-hash.js';

describe('ConsoleSessions', () => {
  const key = Buffer.alloc(32, 7);
  it('accepts its own cookie until it expires, then says expired', () => {
    let now = 1_000_000;
    const sessions = new ConsoleSessions(key, 60_000, () => now);
    const { cookie, session } = sessions.issue();
    expect(sessions.check(cookie)).toEqual(session);
    now += 59_999;
    expect(sessions.check(cookie)).toEqual(session);
    now += 1;
    expect(sessions.check(cookie)).toBe('expired');
  });

  it('refuses a missing, malformed, re-dated or foreign cookie', () => {
    const sessions = new ConsoleSessions(key, 60_000, () => 0);
    const { cookie } = sessions.issue();
    const [id, expires, mac] = cookie.split('.');
    expect(sessions.check(undefined)).toBe('missing');
    expect(sessions.check('abc')).toBe('malformed');
    expect(sessions.check(`${id}.${Number(expires) + 1000}.${mac}`)).toBe('bad_signature');
    expect(new ConsoleSessions(Buffer.alloc(32, 8), 60_000, () => 0).check(cookie)).toBe('bad_signature');
  });

  it('ties the CSRF token to the session', () => {
    const sessions = new ConsoleSessions(key, 60_000);
    const a = sessions.issue().session;
    const b = sessions.issue().session;
    expect(sessions.csrfValid(a, sessions.csrfToken(a))).toBe(true);
    expect(sessions.csrfValid(a, sessions.csrfToken(b))).toBe(false);
    expect(sessions.csrfValid(a, undefined)).toBe(false);
    expect(sessions.csrfValid(a, '')).toBe(false);
  });
});

describe('LoginThrottle', () => {
  it('lets the free failures through, then locks for a doubling time, and forgets on success', () => {
    let now = 0;
    const throttle = new LoginThrottle({ freeFailures: 3, baseLockMs: 1000, maxLockMs: 5000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('a')).toBe(0);
      throttle.failed('a');
    }
    expect(throttle.retryAfterMs('a')).toBe(0);
    const locks: number[] = [];
    for (let i = 0; i < 5; i++) {
      throttle.failed('a');
      locks.push(throttle.retryAfterMs('a'));
    }
    expect(locks).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(throttle.retryAfterMs('b')).toBe(0);
    now += 5000;
    expect(throttle.retryAfterMs('a')).toBe(0);
    throttle.succeeded('a');
    throttle.failed('a');
    expect(throttle.retryAfterMs('a')).toBe(0);
  });

  it('keeps at most maxAddresses addresses', () => {
    const throttle = new LoginThrottle({ freeFailures: 0, maxAddresses: 2, now: () => 0 });
    throttle.failed('a');
    throttle.failed('b');
    throttle.failed('c');
    expect(throttle.retryAfterMs('a')).toBe(0);
    expect(throttle.retryAfterMs('c')).toBeGreaterThan(0);
  });
});

describe('password hashes', () => {
  it('verifies the right password only, and refuses a malformed hash', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct hors', stored)).toBe(false);
    expect(await verifyPassword('correct horse', 'md5$abc')).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(stored);
  });
});
