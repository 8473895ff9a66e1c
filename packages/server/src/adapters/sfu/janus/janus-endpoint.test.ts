import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config.js';
import { parseJanusEndpoint, redactJanusUrl } from './janus-endpoint.js';

describe('parseJanusEndpoint', () => {
  it('takes the secret out of ?apisecret= and keeps the rest of the URL', () => {
    expect(parseJanusEndpoint('ws://10.0.0.5:8188/?apisecret=s3cret-value', undefined)).toEqual({
      url: 'ws://10.0.0.5:8188/',
      apiSecret: 's3cret-value',
    });
    expect(parseJanusEndpoint('wss://janus.example.com/janus?x=1&apisecret=a%26b', 'shared')).toEqual({
      url: 'wss://janus.example.com/janus?x=1',
      apiSecret: 'a&b',
    });
  });

  it('falls back to the shared secret (OPENCALL_JANUS_API_SECRET), or none', () => {
    expect(parseJanusEndpoint('ws://10.0.0.6:8188', 'shared-secret')).toEqual({ url: 'ws://10.0.0.6:8188/', apiSecret: 'shared-secret' });
    expect(parseJanusEndpoint('ws://10.0.0.6:8188/?apisecret=', 'shared-secret').apiSecret).toBe('shared-secret');
    expect(parseJanusEndpoint('ws://10.0.0.6:8188', undefined).apiSecret).toBeUndefined();
  });

  it('refuses what is not a ws(s) URL, without echoing the secret', () => {
    expect(() => parseJanusEndpoint('http://10.0.0.5:8088/?apisecret=topsecret', undefined)).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => parseJanusEndpoint('http://10.0.0.5:8088/?apisecret=topsecret', undefined)).not.toThrow(/topsecret/);
    expect(() => parseJanusEndpoint('not a url?apisecret=topsecret', undefined)).toThrow(/is not a URL/);
    expect(() => parseJanusEndpoint('not a url?apisecret=topsecret', undefined)).not.toThrow(/topsecret/);
    expect(() => parseJanusEndpoint('ws://user:topsecret@10.0.0.5:8188/', undefined)).toThrow(/user info/);
  });
});

describe('redactJanusUrl', () => {
  it('hides every apisecret value', () => {
    expect(redactJanusUrl('ws://h:8188/?apisecret=abc&x=1&APISECRET=def')).toBe('ws://h:8188/?apisecret=***&x=1&APISECRET=***');
  });
});

describe('OPENCALL_JANUS_API_SECRET', () => {
  it('is optional, and must fit a Janus config string when set', () => {
    expect(loadConfig({}).janusApiSecret).toBeUndefined();
    expect(loadConfig({ OPENCALL_JANUS_API_SECRET: 'a-long-enough.secret_1' }).janusApiSecret).toBe('a-long-enough.secret_1');
    for (const bad of ['short', 'has "quotes" in it!!', 'x'.repeat(257)]) {
      expect(() => loadConfig({ OPENCALL_JANUS_API_SECRET: bad })).toThrow(/OPENCALL_JANUS_API_SECRET must be 16-256 characters/);
    }
  });
});
