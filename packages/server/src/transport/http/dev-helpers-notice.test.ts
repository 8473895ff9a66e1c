import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { announceDevHelpers, devHelperNotices } from './dev-helpers-notice.js';

describe('dev helper config', () => {
  it('keeps the helpers off unless asked for, and never on in production (NODE_ENV in any case)', () => {
    expect(loadConfig({})).toMatchObject({ devTokens: false, debugHeap: false, devHelpersRefused: [] });
    expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({ devTokens: false, debugHeap: false });
    expect(loadConfig({ OPENCALL_DEV_TOKENS: '1', OPENCALL_DEBUG_HEAP: '1' })).toMatchObject({ devTokens: true, debugHeap: true });
    expect(loadConfig({ OPENCALL_DEV_TOKENS: '0' }).devTokens).toBe(false);
    for (const NODE_ENV of ['production', 'Production', 'PRODUCTION', ' production ']) {
      expect(loadConfig({ NODE_ENV, OPENCALL_DEV_TOKENS: '1', OPENCALL_DEBUG_HEAP: '1' })).toMatchObject({
        production: true,
        devTokens: false,
        debugHeap: false,
        devHelpersRefused: ['OPENCALL_DEV_TOKENS', 'OPENCALL_DEBUG_HEAP'],
      });
    }
  });

  it('refuses a switch that is not 0 or 1', () => {
    expect(() => loadConfig({ OPENCALL_DEV_TOKENS: 'yes' })).toThrow(/OPENCALL_DEV_TOKENS must be 0 or 1/);
    expect(() => loadConfig({ OPENCALL_DEBUG_HEAP: 'true' })).toThrow(/OPENCALL_DEBUG_HEAP must be 0 or 1/);
  });
});

describe('devHelperNotices', () => {
  const off = { host: '127.0.0.1', devTokens: false, debugHeap: false, devHelpersRefused: [] };

  it('says nothing when the helpers are off', () => {
    expect(devHelperNotices(off)).toEqual([]);
    expect(devHelperNotices({ ...off, host: '0.0.0.0' })).toEqual([]);
  });

  it('says why a helper asked for in production stays off', () => {
    expect(devHelperNotices({ ...off, devHelpersRefused: ['OPENCALL_DEV_TOKENS'] })).toEqual([
      { level: 'error', message: expect.stringMatching(/^OPENCALL_DEV_TOKENS=1 ignored: NODE_ENV is production/) },
    ]);
  });

  it('warns about the token helper, and about a non-loopback HOST while a helper is on', () => {
    expect(devHelperNotices({ ...off, devTokens: true }).map((n) => n.message)).toEqual([expect.stringMatching(/never expose/)]);
    const exposed = devHelperNotices({ ...off, debugHeap: true, host: '0.0.0.0' });
    expect(exposed.map((n) => n.level)).toEqual(['warn', 'warn']);
    expect(exposed[1]!.message).toMatch(/HOST=0\.0\.0\.0 is not a loopback address/);
  });

  it('prints the banner only when the token helper is on', () => {
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const out: string[] = [];
    announceDevHelpers({ ...off, debugHeap: true }, logger as never, { write: (t: string) => out.push(t) });
    expect(out).toEqual([]);
    announceDevHelpers({ ...off, devTokens: true }, logger as never, { write: (t: string) => out.push(t) });
    expect(out.join('')).toMatch(/dev token helper is ON[\s\S]*NEVER expose this server/);
  });
});
