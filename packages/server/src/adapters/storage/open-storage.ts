/** Picks the storage engine from the configuration: Postgres when a database URL is set, else the SQLite file. */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { redactDatabaseUrl, type ServerConfig } from '../../config.js';
import type { Storage } from '../../ports/index.js';
import { openPostgresStorage } from './postgres/open-postgres-storage.js';
import { openSqliteStorage } from './sqlite/open-sqlite-storage.js';

export type StorageConfig = Pick<ServerConfig, 'dataDir' | 'databaseUrl' | 'databasePoolSize'>;

/**
 * Opens and migrates the configured storage: `databaseUrl` → Postgres (pool of `databasePoolSize`),
 * otherwise `<dataDir>/opencall.sqlite`.
 */
export async function openStorage(config: StorageConfig, logger: Pick<Logger, 'info' | 'warn'>): Promise<Storage> {
  if (config.databaseUrl === undefined) return openSqliteStorage(resolve(config.dataDir, 'opencall.sqlite'));
  const storage = await openPostgresStorage({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    onIdleError: (error) => logger.warn({ err: error }, 'postgres: an idle pooled connection failed (it is replaced)'),
  });
  logger.info({ database: redactDatabaseUrl(config.databaseUrl), poolSize: config.databasePoolSize }, 'storage: postgres');
  return storage;
}
