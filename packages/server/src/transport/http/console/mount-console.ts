/** Builds the console's dependencies (password, sessions, throttle, live view) and mounts it. */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../../config.js';
import type { AppAdmin, CallQueries, LoadCallDetail, Storage, WebhookDeliveries } from '../../../ports/index.js';
import { ensureAdminCredentials } from '../../../services/console/admin-credentials.js';
import { ConsoleSessions } from '../../../services/console/console-session.js';
import { type LoginAttempts, LoginThrottle } from '../../../services/console/login-throttle.js';
import type { ConnectionRegistry } from '../../../services/im/connection-registry.js';
import type { ImConnection } from '../../../services/im/im-connection.js';
import type { RtcRoomControl, ServerApiDeps } from '../server-api/server-api-deps.js';
import type { ConnectedDevice } from './console-deps.js';
import { registerConsole } from './register-console.js';

export interface MountConsoleOptions {
  config: Pick<ServerConfig, 'adminPassword' | 'consoleSessionTtlS'>;
  storage: Storage;
  registry: ConnectionRegistry;
  logger: Logger;
  rtc: RtcRoomControl;
  userRules: Pick<ServerApiDeps, 'onTokensRevoked' | 'onUsersBanned'>;
  defaultAppKey: string;
  publicDir: string;
  /** Cluster mode: login failures counted across the nodes (default: this node's memory). */
  loginAttempts?: LoginAttempts;
  insights: { appAdmin?: AppAdmin; queries?: CallQueries; loadCallDetail?: LoadCallDetail; deliveries?: WebhookDeliveries };
}

function deviceView(connection: ImConnection): ConnectedDevice {
  const { location } = connection as { location?: { nodeId: string } };
  return {
    userId: connection.userId,
    deviceId: connection.deviceId,
    nodeId: location?.nodeId ?? '',
    attached: (connection as { attached?: boolean }).attached === true,
  };
}

export async function mountConsole(http: FastifyInstance, options: MountConsoleOptions): Promise<void> {
  const { storage, registry, logger } = options;
  const credentials = await ensureAdminCredentials(storage.consoleSettings, options.config.adminPassword, logger);
  const uplotDir = resolve(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  await registerConsole(
    http,
    {
      storage,
      logger,
      credentials,
      sessions: new ConsoleSessions(credentials.signingKey, options.config.consoleSessionTtlS * 1000),
      throttle: options.loginAttempts ?? new LoginThrottle(),
      publicDir: options.publicDir,
      uplotDir,
      live: {
        devices: (appKey) => registry.devicesOfApp(appKey).map(deviceView),
        devicesOf: (appKey, userId) => registry.connectionsOf(appKey, userId).map(deviceView),
      },
      rtc: options.rtc,
      ...options.userRules,
      ...options.insights,
    },
    options.defaultAppKey,
  );
}
