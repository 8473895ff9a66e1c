import { describe, expect, it } from 'vitest';
import { deriveWebSocketUrl } from './server-url.js';

describe('deriveWebSocketUrl', () => {
  it.each([
    [{ navigators: ['http://127.0.0.1:8080'] }, undefined, 'ws://127.0.0.1:8080/ws'],
    [{ navigators: ['https://call.example.com/'] }, undefined, 'wss://call.example.com/ws'],
    [{ navigators: ['https://example.com/im/'] }, undefined, 'wss://example.com/im/ws'],
    [{ navigators: ['ws://10.0.0.1:9000'] }, undefined, 'ws://10.0.0.1:9000/ws'],
    [{ navigators: ['http://a:1'], navi: 'http://b:2' }, 'http://c:3', 'ws://a:1/ws'],
    [{ navigators: [], navi: '127.0.0.1:8080' }, undefined, 'ws://127.0.0.1:8080/ws'],
    [{ navi: 'https://b.example' }, 'http://c:3', 'wss://b.example/ws'],
    [{}, 'https://page.example:8443', 'wss://page.example:8443/ws'],
    [{ navigators: [''], navi: '  ' }, 'http://c:3', 'ws://c:3/ws'],
  ])('%j (origin %s) → %s', (options, origin, expected) => {
    expect(deriveWebSocketUrl(options, origin)).toBe(expected);
  });

  it('throws a clear error without any address', () => {
    expect(() => deriveWebSocketUrl({})).toThrow(/no server address/);
  });

  it('rejects other schemes and malformed addresses', () => {
    expect(() => deriveWebSocketUrl({ navi: 'ftp://x' })).toThrow(/unsupported scheme/);
    expect(() => deriveWebSocketUrl({ navi: 'http://' })).toThrow(/invalid server address/);
  });
});
