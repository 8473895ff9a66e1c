/**
 * Composition root: opens storage, builds services and mounts the transports.
 * Teardown order (close()): stop accepting → close IM connections → stop call timers → outbox worker
 * (deliveries in flight finish, bounded) → HTTP → storage.
 */
import { resolve } from 'node:path';
import { ErrorCode } from '@opencall/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { createSfu } from './adapters/sfu/create-sfu.js';
import { openStorage } from './adapters/storage/open-storage.js';
import type { ServerConfig } from './config.js';
import type { Storage, TokenService } from './ports.js';
import { ensureDefaultApp } from './services/apps/default-app.js';
import { createTokenService } from './services/auth/token-service.js';
import { recoverInterruptedCalls } from './services/call/call-recovery.js';
import { CallService } from './services/call/call-service.js';
import { ConnectionRegistry } from './services/im/connection-registry.js';
import { createPushOutbox } from './services/push/push-outbox.js';
import { createIceServersFor } from './services/turn/turn-credentials.js';
import { registerDebugHeapRoutes } from './transport/http/debug-heap-routes.js';
import { announceDevHelpers } from './transport/http/dev-helpers-notice.js';
import { registerServerApi } from './transport/http/server-api/register-server-api.js';
import { registerStaticRoutes } from './transport/http/static-routes.js';
import { attachImWebSocket } from './transport/ws/im-websocket.js';

export interface RunningServer {
  http: FastifyInstance;
  url: string;
  appKey: string;
  appSecret: string;
  storage: Storage;
  tokens: TokenService;
  calls: CallService;
  /** Refuse new calls and wait (bounded) for the ones in flight to end. */
  drain(timeoutMs: number): Promise<void>;
  /** End what is left (NETWORK_ERROR, records stored, devices told), close sockets, HTTP and storage. */
  close(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, '../../..');
/** A journaled call last changed longer ago than this is closed at start-up rather than carried on. */
const RESTORE_CALLS_WITHIN_MS = 24 * 3600_000;

export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const storage = await openStorage(config, logger);
  const app = await ensureDefaultApp(storage, config, logger);
  const tokens = createTokenService(storage);
  // Journaled calls go on; a device that does not come back within the reconnect grace leaves it.
  const { restored, closed: recovered } = await recoverInterruptedCalls(storage, logger, Date.now(), {
    restoreWithinMs: RESTORE_CALLS_WITHIN_MS,
  });
  const registry = new ConnectionRegistry(logger, config.streamKeepMs);
  // Push notices: written to the outbox with the call change, sent (at least once) by this worker.
  const pushOutbox = createPushOutbox(config, storage, logger);
  const calls = new CallService({
    storage,
    registry,
    logger,
    ringTimeoutMs: config.ringTimeoutMs,
    reconnectGraceMs: config.reconnectGraceMs,
    maxCallParticipants: config.maxCallParticipants,
    callsPerMinute: config.callsPerMinute,
    outbox: pushOutbox,
    recovered,
    restored,
  });
  pushOutbox?.start();

  const media = createSfu(config, logger);
  calls.media.useSfu(media.sfu, logger);
  media.sfu.on('sfuLost', (rooms) => calls.endForMediaFailure(rooms));

  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 100 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  await registerServerApi(http, {
    storage,
    tokens,
    logger,
    onTokensRevoked: (appKey, userIds, before) => registry.closeRevoked(appKey, userIds, before),
    onUsersBanned: (appKey, userIds) => {
      calls.usersBanned(appKey, userIds);
      registry.closeUsers(appKey, userIds, ErrorCode.RC_CONN_USER_BLOCKED, 'banned by the server');
    },
    onBlacklistAdded: (appKey, ownerId, blockedIds) => calls.blacklistAdded(appKey, ownerId, blockedIds),
    apiRatePerSec: config.apiRatePerSec,
  });
  await registerStaticRoutes(http, {
    sdkDir: resolve(repoRoot, 'dist/sdk'),
    demoDir: resolve(repoRoot, 'apps/demo/public'),
    devTokenEnabled: config.devTokens,
    defaultAppKey: app.appKey,
    storage,
    tokens,
  });
  if (config.debugHeap) registerDebugHeapRoutes(http, { snapshotDir: resolve(config.dataDir, 'heap') });
  announceDevHelpers(config, logger);
  const ws = attachImWebSocket(http.server, {
    tokens,
    registry,
    calls,
    logger,
    heartbeatMs: config.heartbeatMs,
    ringTimeoutMs: config.ringTimeoutMs,
    framesPerSecond: config.wsFramesPerSecond,
    maxDevicesPerUser: config.maxDevicesPerUser,
    iceServersFor: createIceServersFor({ urls: config.turnUrls, secret: config.turnSecret, ttlS: config.turnTtlS }),
  });

  await http.listen({ port: config.port, host: config.host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  return {
    http,
    url,
    appKey: app.appKey,
    appSecret: app.appSecret,
    storage,
    tokens,
    calls,
    async drain(timeoutMs: number) {
      calls.drain();
      const deadline = Date.now() + timeoutMs;
      while (calls.activeCallCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    },
    async close() {
      await calls.close();
      await pushOutbox?.stop();
      registry.closeAll();
      ws.close();
      await media.stop();
      await http.close();
      await storage.close();
    },
  };
}
