import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { openStorage } from './open-storage.js';
import { createTestDatabase, type TestDatabase } from './postgres/test-database.test-support.js';

const logger = pino({ level: 'silent' });
let dataDir: string;
let database: TestDatabase;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'opencall-open-storage-'));
  database = await createTestDatabase();
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await database?.drop();
});

describe('OPENCALL_DATABASE_URL / OPENCALL_DATABASE_POOL_SIZE', () => {
  it('default to SQLite and a pool of 10', () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: undefined, databasePoolSize: 10 });
    expect(loadConfig({ OPENCALL_DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('accept postgres:// and postgresql:// URLs and a pool size in [1, 1000]', () => {
    for (const url of [
      'postgres://u:p@db.internal:5432/opencall',
      'postgresql://127.0.0.1/opencall?sslmode=require',
      'postgres:///opencall?host=/var/run/postgresql',
    ]) {
      expect(loadConfig({ OPENCALL_DATABASE_URL: url }).databaseUrl).toBe(url);
    }
    expect(loadConfig({ OPENCALL_DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    expect(() => loadConfig({ OPENCALL_DATABASE_POOL_SIZE: '0' })).toThrow('OPENCALL_DATABASE_POOL_SIZE must be an integer in [1, 1000]');
  });

  it('refuse anything else at start-up, without echoing the password', () => {
    for (const url of ['mysql://u:hunter2@h/db', 'postgres://', 'not a url', 'sqlite:///tmp/x', 'postgres:///socket-only']) {
      expect(() => loadConfig({ OPENCALL_DATABASE_URL: url })).toThrow(/^OPENCALL_DATABASE_URL must look like postgres:\/\//);
    }
    expect(() => loadConfig({ OPENCALL_DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow('mysql://u:***@h/db');
    expect(() => loadConfig({ OPENCALL_DATABASE_URL: 'postgres//u:hunter2@h/db' })).toThrow('"postgres//***@h/db"');
  });
});

describe('openStorage', () => {
  it('without a database URL opens <dataDir>/opencall.sqlite', async () => {
    const storage = await openStorage(loadConfig({ OPENCALL_DATA_DIR: dataDir }), logger);
    try {
      await storage.users.upsertProfile('app1', 'alice', { name: 'Alice' });
      expect(existsSync(join(dataDir, 'opencall.sqlite'))).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('with a database URL opens (and migrates) that Postgres database, not the SQLite file', async () => {
    const otherDir = join(dataDir, 'unused');
    const config = loadConfig({ OPENCALL_DATA_DIR: otherDir, OPENCALL_DATABASE_URL: database.url, OPENCALL_DATABASE_POOL_SIZE: '3' });
    const first = await openStorage(config, logger);
    await first.users.upsertProfile('app1', 'alice', { name: 'Alice' });
    await first.close();
    const second = await openStorage(config, logger);
    try {
      expect(await second.users.get('app1', 'alice')).toMatchObject({ name: 'Alice' });
      expect(existsSync(otherDir)).toBe(false);
    } finally {
      await second.close();
    }
  });
});
