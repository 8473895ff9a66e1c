import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import { loadConfig, type ServerConfig } from '../../config.js';
import type { Storage } from '../../ports/index.js';
import { ensureDefaultApp } from './default-app.js';

const logger = pino({ level: 'silent' });
let dataDir: string;
let storage: Storage;
let stdout: ReturnType<typeof vi.spyOn>;

function config(env: Record<string, string> = {}): ServerConfig {
  return loadConfig({ OPENCALL_DATA_DIR: dataDir, ...env });
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'opencall-app-'));
  storage = await openSqliteStorage(join(dataDir, 'opencall.sqlite'));
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  stdout.mockRestore();
  await storage.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ensureDefaultApp', () => {
  it('generates a key and secret when unset, prints them once, and reuses them on restart', async () => {
    const first = await ensureDefaultApp(storage, config(), logger);
    expect(first.appKey).toMatch(/^[a-z0-9]{12,}$/);
    expect(first.appSecret.length).toBeGreaterThanOrEqual(16);
    const printed = stdout.mock.calls.map((c: unknown[]) => String(c[0])).join('');
    expect(printed).toContain(first.appKey);
    expect(printed).toContain(first.appSecret);

    stdout.mockClear();
    const again = await ensureDefaultApp(storage, config(), logger);
    expect(again).toEqual(first);
    expect(stdout).not.toHaveBeenCalled();
  });

  it('uses the env key and secret, and updates the stored secret when the env one changes', async () => {
    const app = await ensureDefaultApp(
      storage,
      config({ OPENCALL_APP_KEY: 'envkey123456', OPENCALL_APP_SECRET: 'env-secret-0000001' }),
      logger,
    );
    expect(app).toMatchObject({ appKey: 'envkey123456', appSecret: 'env-secret-0000001' });
    expect(stdout).not.toHaveBeenCalled();
    await ensureDefaultApp(storage, config({ OPENCALL_APP_KEY: 'envkey123456', OPENCALL_APP_SECRET: 'env-secret-0000002' }), logger);
    expect(await storage.apps.get('envkey123456')).toMatchObject({ appSecret: 'env-secret-0000002', createdAt: app.createdAt });
  });

  it('an env key without a secret reuses the stored secret, or generates one', async () => {
    const generated = await ensureDefaultApp(storage, config({ OPENCALL_APP_KEY: 'onlykey12345' }), logger);
    expect(generated.appKey).toBe('onlykey12345');
    expect(generated.appSecret.length).toBeGreaterThanOrEqual(16);
    const again = await ensureDefaultApp(storage, config({ OPENCALL_APP_KEY: 'onlykey12345' }), logger);
    expect(again.appSecret).toBe(generated.appSecret);
  });

  it('after running with an env key, an unset env reuses that key', async () => {
    await ensureDefaultApp(storage, config({ OPENCALL_APP_KEY: 'envkey123456', OPENCALL_APP_SECRET: 'env-secret-0000001' }), logger);
    const app = await ensureDefaultApp(storage, config(), logger);
    expect(app).toMatchObject({ appKey: 'envkey123456', appSecret: 'env-secret-0000001' });
  });

  it('a different env key disables the previous env app with a warning; naming it again enables it', async () => {
    const warnings: string[] = [];
    const watching = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
    const first = { OPENCALL_APP_KEY: 'firstkey1234', OPENCALL_APP_SECRET: 'env-secret-0000001' };
    const second = { OPENCALL_APP_KEY: 'secondkey123', OPENCALL_APP_SECRET: 'env-secret-0000002' };
    await ensureDefaultApp(storage, config(first), watching);
    expect(warnings).toEqual([]);
    const app = await ensureDefaultApp(storage, config(second), watching);
    expect(app).toMatchObject({ appKey: 'secondkey123', disabled: false });
    expect(await storage.apps.get('firstkey1234')).toMatchObject({ disabled: true });
    expect(warnings).toEqual([expect.stringContaining('previous env app is now disabled')]);

    // Restarting with the same key changes nothing; going back re-enables the first and retires the second.
    await ensureDefaultApp(storage, config(second), watching);
    expect(warnings).toHaveLength(1);
    const back = await ensureDefaultApp(storage, config(first), watching);
    expect(back).toMatchObject({ appKey: 'firstkey1234', disabled: false });
    expect(await storage.apps.get('secondkey123')).toMatchObject({ disabled: true });
    expect(warnings).toHaveLength(3);
  });
});
