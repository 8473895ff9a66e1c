import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackBindHost, isLoopbackHost, localOnlyRefusal, PROXY_HEADERS } from './loopback-guard.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.255.255.254', '127.0.0.2', '::1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([
    '10.0.0.1',
    '192.168.1.2',
    '128.0.0.1',
    '126.255.255.255',
    '0.0.0.0',
    '::',
    '::2',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1x',
    '',
    'localhost',
    undefined,
  ])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost:8080', '127.0.0.1', '127.0.0.1:80', '127.10.20.30:65535', '[::1]', '[::1]:8080'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    'example.com',
    'localhost.example.com',
    'example.localhost',
    'localhost.',
    '127.0.0.1.nip.io',
    '127.1',
    '127.0.0.256',
    '128.0.0.1',
    '10.0.0.1:8080',
    '[::2]',
    '[::ffff:127.0.0.1]',
    '::1',
    '[::1',
    'localhost:99999',
    'localhost:',
    'localhost:80:80',
    'user@localhost',
    '',
    undefined,
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('isLoopbackBindHost', () => {
  it('accepts loopback bind addresses only', () => {
    for (const host of ['127.0.0.1', '127.0.0.5', 'localhost', '::1']) expect(isLoopbackBindHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.1.2.3', '192.0.2.2', 'example.com']) expect(isLoopbackBindHost(host)).toBe(false);
  });
});

describe('localOnlyRefusal', () => {
  const local = { remoteAddress: '127.0.0.1', headers: { host: '127.0.0.1:8080' } };

  it('lets a direct loopback request through', () => {
    expect(localOnlyRefusal(local)).toBeUndefined();
    expect(localOnlyRefusal({ ...local, headers: { host: 'localhost:8080', origin: 'http://localhost:8080' } })).toBeUndefined();
  });

  it.each(PROXY_HEADERS)('refuses a request carrying %s, even an empty one', (name) => {
    expect(localOnlyRefusal({ ...local, headers: { ...local.headers, [name]: '' } })).toContain(name);
  });

  it('refuses a foreign or missing Host, a foreign Origin and a remote address', () => {
    expect(localOnlyRefusal({ ...local, headers: { host: 'opencall.example.com' } })).toContain('Host');
    expect(localOnlyRefusal({ ...local, headers: {} })).toContain('Host');
    expect(localOnlyRefusal({ ...local, headers: { host: ['localhost', 'evil'] } })).toContain('Host');
    for (const origin of ['https://evil.example.com', 'null', 'file://', 'http://localhost.evil.com']) {
      expect(localOnlyRefusal({ ...local, headers: { ...local.headers, origin } })).toContain('Origin');
    }
    expect(localOnlyRefusal({ ...local, remoteAddress: '192.0.2.7' })).toContain('loopback address');
    expect(localOnlyRefusal({ ...local, remoteAddress: undefined })).toContain('loopback address');
  });
});
