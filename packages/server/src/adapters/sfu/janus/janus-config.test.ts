import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JANUS_SECRET, newJanusSecret, renderJanusConfig, writeJanusConfig } from './janus-config.js';

const base = {
  wsPort: 18188,
  rtpPortRange: [20000, 20099] as const,
  apiSecret: 'api-secret-0123456789',
  adminSecret: 'admin-secret-0123456789',
};

describe('renderJanusConfig', () => {
  it('binds the WebSocket API to 127.0.0.1 on the chosen port and turns the admin API off', () => {
    const ws = renderJanusConfig('/tmp/j', base)['janus.transport.websockets.jcfg']!;
    expect(ws).toContain('ws_port = 18188');
    expect(ws).toContain('ws_ip = "127.0.0.1"');
    expect(ws).toContain('admin_ws = false');
  });

  it('disables the HTTP transport and every plugin but the VideoRoom', () => {
    const janus = renderJanusConfig('/tmp/j', base)['janus.jcfg']!;
    const transports = /transports: \{\n\tdisable = "([^"]*)"/.exec(janus)![1]!;
    expect(transports.split(',')).toContain('libjanus_http.so');
    expect(transports).not.toContain('websockets');
    const plugins = /plugins: \{\n\tdisable = "([^"]*)"/.exec(janus)![1]!;
    expect(plugins.split(',')).toContain('libjanus_streaming.so');
    expect(plugins).not.toContain('videoroom');
  });

  it('sizes the RTP range, uses its own configs folder and full trickle', () => {
    const janus = renderJanusConfig('/tmp/j', base)['janus.jcfg']!;
    expect(janus).toContain('rtp_port_range = "20000-20099"');
    expect(janus).toContain('configs_folder = "/tmp/j"');
    expect(janus).toContain('full_trickle = true');
  });

  it('shares one media event loop per CPU core by default, or the count given; 0 keeps a thread per handle', () => {
    expect(renderJanusConfig('/tmp/j', base)['janus.jcfg']).toContain(`\tevent_loops = ${availableParallelism()}\n`);
    expect(renderJanusConfig('/tmp/j', { ...base, eventLoops: 3 })['janus.jcfg']).toContain('\tevent_loops = 3\n');
    expect(renderJanusConfig('/tmp/j', { ...base, eventLoops: 0 })['janus.jcfg']).not.toContain('event_loops');
    expect(() => renderJanusConfig('/tmp/j', { ...base, eventLoops: -1 })).toThrow(/event loop count/);
    expect(() => renderJanusConfig('/tmp/j', { ...base, eventLoops: 1.5 })).toThrow(/event loop count/);
  });

  it('sets ice_enforce_list and nat_1_1_mapping only when given', () => {
    expect(renderJanusConfig('/tmp/j', base)['janus.jcfg']).not.toMatch(/ice_enforce_list|nat_1_1_mapping/);
    const janus = renderJanusConfig('/tmp/j', { ...base, iceInterface: 'v0', nat11Mapping: '127.0.0.1' })['janus.jcfg']!;
    expect(janus).toContain('ice_enforce_list = "v0"');
    expect(janus).toContain('nat_1_1_mapping = "127.0.0.1"');
  });

  it('puts the API and admin secrets in the general section and keeps token auth off', () => {
    const janus = renderJanusConfig('/tmp/j', base)['janus.jcfg']!;
    const general = /general: \{\n([^}]*)\}/.exec(janus)![1]!;
    expect(general).toContain('\tapi_secret = "api-secret-0123456789"\n');
    expect(general).toContain('\tadmin_secret = "admin-secret-0123456789"\n');
    expect(general).toContain('\ttoken_auth = false\n');
    expect(janus.match(/api_secret/g)).toHaveLength(1);
  });

  it('refuses secrets that are short or could break out of the quoted string', () => {
    for (const apiSecret of ['', 'short', 'x'.repeat(257), 'sixteen-chars-ok" }', 'sixteen chars ok here', 'sixteen-chars-ok\n']) {
      expect(() => renderJanusConfig('/tmp/j', { ...base, apiSecret })).toThrow(/16-256 characters/);
      expect(() => renderJanusConfig('/tmp/j', { ...base, adminSecret: apiSecret })).toThrow(/16-256 characters/);
    }
  });

  it('generates fresh secrets that fit', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => newJanusSecret()));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(JANUS_SECRET);
  });

  it('refuses values that could break out of a quoted string, and bad port ranges', () => {
    expect(() => renderJanusConfig('/tmp/j', { ...base, iceInterface: 'v0"\n}' })).toThrow(/unsafe/);
    expect(() => renderJanusConfig('/tmp/j', { ...base, rtpPortRange: [30000, 20000] })).toThrow(/port range/);
  });
});

describe('writeJanusConfig', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the three files and returns the path of janus.jcfg', () => {
    dir = mkdtempSync(join(tmpdir(), 'janus-cfg-'));
    const path = writeJanusConfig(join(dir, 'janus'), base);
    expect(path).toBe(join(dir, 'janus', 'janus.jcfg'));
    expect(readFileSync(join(dir, 'janus', 'janus.transport.websockets.jcfg'), 'utf8')).toContain('ws = true');
    expect(readFileSync(join(dir, 'janus', 'janus.plugin.videoroom.jcfg'), 'utf8')).toContain('general');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'janus')).mode & 0o777).toBe(0o700);
  });
});
