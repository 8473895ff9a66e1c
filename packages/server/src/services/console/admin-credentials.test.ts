import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConsoleSettingsStore } from '../../ports/index.js';
import { ensureAdminCredentials } from './admin-credentials.js';

/** The store's contract in memory (first writer wins), shared like the database is by every node. */
function memorySettings(): ConsoleSettingsStore {
  const values = new Map<string, string>();
  const revoked = new Set<string>();
  return {
    get: async (name) => values.get(name),
    putIfAbsent: async (name, value) => {
      if (!values.has(name)) values.set(name, value);
      return values.get(name) as string;
    },
    revokeSession: async (id) => {
      revoked.add(id);
    },
    isSessionRevoked: async (id) => revoked.has(id),
  };
}

const logger = pino({ level: 'silent' });

describe('ensureAdminCredentials', () => {
  it('uses OPENCALL_ADMIN_PASSWORD when set, and prints nothing', async () => {
    const printed: string[] = [];
    const credentials = await ensureAdminCredentials(memorySettings(), 'from-env', logger, (t) => printed.push(t));
    expect(await credentials.verify('from-env')).toBe(true);
    expect(await credentials.verify('from-env ')).toBe(false);
    expect(printed).toEqual([]);
  });

  it('generates a password once: printed by the first start, the same one accepted by later starts and other nodes', async () => {
    const settings = memorySettings();
    const printed: string[] = [];
    const first = await ensureAdminCredentials(settings, undefined, logger, (t) => printed.push(t));
    const password = /Password: (\S+)/.exec(printed.join(''))?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await first.verify(password)).toBe(true);
    const second = await ensureAdminCredentials(settings, undefined, logger, (t) => printed.push(t));
    expect(printed).toHaveLength(1);
    expect(await second.verify(password)).toBe(true);
    expect(second.signingKey.equals(first.signingKey)).toBe(true);
  });

  it('two nodes starting together: only the one whose hash was stored prints, and both accept that password', async () => {
    const settings = memorySettings();
    const printed: string[] = [];
    const [a, b] = await Promise.all([
      ensureAdminCredentials(settings, undefined, logger, (t) => printed.push(t)),
      ensureAdminCredentials(settings, undefined, logger, (t) => printed.push(t)),
    ]);
    expect(printed).toHaveLength(1);
    const password = /Password: (\S+)/.exec(printed[0] ?? '')?.[1] ?? '';
    expect(await a.verify(password)).toBe(true);
    expect(await b.verify(password)).toBe(true);
  });

  it('signs sessions with a key that changes with the password (a new password logs everyone out)', async () => {
    const settings = memorySettings();
    const one = await ensureAdminCredentials(settings, 'password-one', logger);
    const again = await ensureAdminCredentials(settings, 'password-one', logger);
    const two = await ensureAdminCredentials(settings, 'password-two', logger);
    expect(again.signingKey.equals(one.signingKey)).toBe(true);
    expect(two.signingKey.equals(one.signingKey)).toBe(false);
  });
});
