import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderJanusConfig, writeJanusConfig } from './janus-config.js';

const base = { wsPort: 18188, rtpPortRange: [20000, 20099] as const };

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

  it('sets ice_enforce_list and nat_1_1_mapping only when given', () => {
    expect(renderJanusConfig('/tmp/j', base)['janus.jcfg']).not.toMatch(/ice_enforce_list|nat_1_1_mapping/);
    const janus = renderJanusConfig('/tmp/j', { ...base, iceInterface: 'v0', nat11Mapping: '127.0.0.1' })['janus.jcfg']!;
    expect(janus).toContain('ice_enforce_list = "v0"');
    expect(janus).toContain('nat_1_1_mapping = "127.0.0.1"');
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
  });
});
