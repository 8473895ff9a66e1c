import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppRecord, Storage } from '../../../ports/index.js';
import { openSqliteStorage } from './open-sqlite-storage.js';

let dir: string;
let file: string;
let storage: Storage;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opencall-storage-'));
  file = join(dir, 'nested', 'opencall.sqlite');
  storage = await openSqliteStorage(file);
});

afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function app(appSecret: string, name: string, createdAt: number): AppRecord {
  return { appKey: 'app1', appSecret, name, createdAt, audioCallEnabled: true, videoCallEnabled: true };
}

describe('openSqliteStorage', () => {
  it('creates the folder, uses WAL and creates every table and index', () => {
    const raw = new SQLite(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const names = (raw.prepare("select name from sqlite_master where type in ('table','index')").all() as { name: string }[]).map(
        (r) => r.name,
      );
      const expected = ['apps', 'users', 'groups', 'group_members', 'call_records', 'call_participants', 'group_members_by_user'];
      for (const t of [...expected, 'blacklists', 'bans', 'bans_by_end', 'offline_records']) {
        expect(names).toContain(t);
      }
    } finally {
      raw.close();
    }
  });

  it('reopening an existing file keeps data and does not re-run migrations', async () => {
    await storage.apps.upsert(app('s1', 'one', 1));
    await storage.close();
    storage = await openSqliteStorage(file);
    expect(await storage.apps.get('app1')).toMatchObject(app('s1', 'one', 1));
  });
});
