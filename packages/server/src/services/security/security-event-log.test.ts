import { describe, expect, it } from 'vitest';
import { SecurityCounters } from './security-counters.js';
import { SecurityEventLog } from './security-event-log.js';

function setup() {
  const clock = { now: 0 };
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) };
  const counters = new SecurityCounters();
  const log = new SecurityEventLog(logger as never, counters, 10_000, () => clock.now);
  return { clock, lines, counters, log };
}

describe('SecurityEventLog', () => {
  it('logs at most one line per reason per 10 s, with the count suppressed since the last one', () => {
    const { clock, lines, counters, log } = setup();
    for (let i = 0; i < 50; i++) {
      log.record('api_signature_refused', 'signature_mismatch', { appKey: 'app', remoteAddress: '127.0.0.1' });
      clock.now += 100; // 5 s in all
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields).toEqual({
      security: 'api_signature_refused',
      reason: 'signature_mismatch',
      total: 1,
      suppressed: 0,
      appKey: 'app',
      remoteAddress: '127.0.0.1',
    });
    clock.now = 10_000;
    log.record('api_signature_refused', 'signature_mismatch');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toMatchObject({ total: 51, suppressed: 49 });
    expect(counters.get('api_signature_refused', 'signature_mismatch')).toBe(51);
  });

  it('each reason has its own window', () => {
    const { lines, log } = setup();
    log.record('ws_hello_refused', 'token_incorrect');
    log.record('ws_hello_refused', 'token_expired');
    log.record('api_signature_refused', 'nonce_reused');
    log.record('ws_hello_refused', 'token_incorrect');
    expect(lines.map((l) => l.fields.reason)).toEqual(['token_incorrect', 'token_expired', 'nonce_reused']);
    expect(lines[0]!.message).toBe('WebSocket login refused');
  });

  it('caps the logged App Key (attacker-chosen) at 64 characters', () => {
    const { lines, log } = setup();
    log.record('api_signature_refused', 'unknown_app_key', { appKey: 'k'.repeat(500) });
    expect(lines[0]!.fields.appKey).toBe('k'.repeat(64));
  });
});
