import { describe, expect, it } from 'vitest';
import { checkTargetUrl, guardedLookup, isPublicAddress, TargetRefusedError } from './target-guard.js';

describe('webhook target guard (SSRF)', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['fc00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['not-an-ip', false],
    ['93.184.216.34', true],
    ['2606:4700:4700::1111', true],
    ['::ffff:8.8.8.8', true],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuses other schemes, credentials and private literals; allows them with allowPrivate', () => {
    expect(() => checkTargetUrl('ftp://example.com/x', false)).toThrow(TargetRefusedError);
    expect(() => checkTargetUrl('http://user:pw@example.com/x', false)).toThrow(/credentials/);
    expect(() => checkTargetUrl('http://127.0.0.1:9/x', false)).toThrow(/private or loopback/);
    expect(() => checkTargetUrl('http://[::1]:9/x', false)).toThrow(/private or loopback/);
    expect(() => checkTargetUrl('not a url', false)).toThrow(/not a URL/);
    expect(checkTargetUrl('http://127.0.0.1:9/x', true).port).toBe('9');
    expect(checkTargetUrl('https://example.com/hooks', false).hostname).toBe('example.com');
  });

  it('the lookup refuses a name that resolves to loopback, unless allowed', async () => {
    const lookup = (allow: boolean) =>
      new Promise<{ error: Error | null; address: string }>((resolve) =>
        guardedLookup(allow)('localhost', { family: 4 }, (error, address) => resolve({ error, address: String(address) })),
      );
    const refused = await lookup(false);
    expect(refused.error).toBeInstanceOf(TargetRefusedError);
    const allowed = await lookup(true);
    expect(allowed.error).toBeNull();
    expect(allowed.address).toBe('127.0.0.1');
  });
});
