/**
 * The narrow interfaces between the server's services and its adapters: storage (SQLite | Postgres)
 * and the cluster seams (in-process | Redis).
 */
export * from './cluster.js';
export * from './insights.js';
export * from './storage.js';
export * from './telemetry-store.js';
