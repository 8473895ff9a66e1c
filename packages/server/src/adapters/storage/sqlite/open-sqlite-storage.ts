/** The embedded default storage: one SQLite file (better-sqlite3, WAL) behind Kysely. */
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Storage } from '../../../ports/index.js';
import { createPrivateFile, ensurePrivateDir, restrictFile } from '../../files/private-files.js';
import { createKyselyStorage } from '../kysely-storage.js';
import { migrateToLatest } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { withStatementCache } from './statement-cache.js';

/**
 * Opens (creating folder and file when missing) and migrates the SQLite database at `file`.
 * The folder is made 0700 and the database files (`-wal`, `-shm` too) 0600: they hold app secrets.
 * Pass `':memory:'` for a throw-away database.
 */
export async function openSqliteStorage(file: string): Promise<Storage> {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    ensurePrivateDir(dirname(file));
    // SQLite creates -wal and -shm with the database file's mode.
    createPrivateFile(file);
  }
  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    if (onDisk) for (const suffix of ['-wal', '-shm']) restrictFile(file + suffix);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Call ids are random, so every call's rows land on random index pages: keep more pages in memory
    // (64 MiB instead of 2) and read the file through a memory map instead of a syscall per page.
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('mmap_size = 268435456');
    // Checkpoint (copy the WAL into the database and sync it) every 64 MiB of WAL instead of every 4:
    // the same pages, dirtied again and again by calls, are copied and synced 16× less often. Halved
    // the time SQLite spent inserting timeline events under load (`npm run bench -- --only throughput`).
    sqlite.pragma('wal_autocheckpoint = 16384');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStorage(db);
}
