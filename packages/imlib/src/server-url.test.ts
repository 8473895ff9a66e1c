import { describe, expect, it } from 'vitest';
import { deriveWebSocketUrl, deriveWebSocketUrls } from './server-url.js';

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

describe('deriveWebSocketUrls', () => {
  it.each([
    [
      { navigators: ['http://a:1', 'https://b.example/im/', 'ws://c:3'] },
      undefined,
      ['ws://a:1/ws', 'wss://b.example/im/ws', 'ws://c:3/ws'],
    ],
    [{ navigators: ['http://a:1', 'ws://a:1/', ' a:1 ', 'http://b:2'] }, undefined, ['ws://a:1/ws', 'ws://b:2/ws']],
    [{ navigators: ['', 'http://b:2', '  '], navi: 'http://n:9' }, undefined, ['ws://b:2/ws']],
    [{ navigators: [], navi: 'http://n:9' }, 'http://c:3', ['ws://n:9/ws']],
    [{}, 'http://c:3', ['ws://c:3/ws']],
  ])('%j (origin %s) → %j', (options, origin, expected) => {
    expect(deriveWebSocketUrls(options, origin)).toEqual(expected);
  });

  it('takes a single string in place of the list', () => {
    expect(deriveWebSocketUrls({ navigators: 'http://a:1' as unknown as string[] })).toEqual(['ws://a:1/ws']);
  });

  it('throws on the first bad entry, naming it', () => {
    expect(() => deriveWebSocketUrls({ navigators: ['http://a:1', 'ftp://b'] })).toThrow(
      /unsupported scheme in server address "ftp:\/\/b"/,
    );
    expect(() => deriveWebSocketUrls({ navigators: ['http://a:1', 'http://'] })).toThrow(/invalid server address "http:\/\/"/);
    expect(() => deriveWebSocketUrls({ navigators: ['http://a:1', 42 as unknown as string] })).toThrow(/must be a string, not number/);
    expect(() => deriveWebSocketUrls({ navigators: [null as unknown as string] })).toThrow(/must be a string, not null/);
  });
});
