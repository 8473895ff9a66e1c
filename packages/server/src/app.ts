/**
 * Composition root: opens storage, builds services and mounts the transports. Teardown (`close()`)
 * is written once in teardown/server-teardown.ts and explained in docs/teardown.md.
 */
import { resolve } from 'node:path';
import { type ClientRequest, ErrorCode } from '@opencall/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type ClusterAdapters, openCluster } from './adapters/cluster/open-cluster.js';
import { RedisLoginThrottle } from './adapters/cluster/redis/redis-login-throttle.js';
import { RedisNonceStore } from './adapters/cluster/redis/redis-nonce-store.js';
import { MemoryNonceStore } from './adapters/nonce/memory-nonce-store.js';
import { createSfu } from './adapters/sfu/create-sfu.js';
import { openStorage } from './adapters/storage/open-storage.js';
import { withReadCache } from './adapters/storage/read-cache.js';
import type { ServerConfig } from './config.js';
import type { LoadCallDetail, Storage, TokenService } from './ports/index.js';
import type { AppAdmin, WebhookDeliveries } from './ports/insights.js';
import { createAppAdmin } from './services/apps/app-admin.js';
import { AppChanges } from './services/apps/app-changes.js';
import { ensureDefaultApp } from './services/apps/default-app.js';
import { createTokenService } from './services/auth/token-service.js';
import { CallDirectory } from './services/call/call-directory.js';
import { recoverInterruptedCalls } from './services/call/call-recovery.js';
import { CallService } from './services/call/call-service.js';
import { CallWebhooks } from './services/call/call-webhooks.js';
import { CallTakeover } from './services/cluster/call-takeover.js';
import { ClusterNode } from './services/cluster/cluster-node.js';
import { IntentRouter } from './services/cluster/intent-router.js';
import { ConnectionRegistry } from './services/im/connection-registry.js';
import type { ImConnection } from './services/im/im-connection.js';
import { createLoadCallDetail } from './services/insights/call-detail.js';
import { CallQualityReport } from './services/insights/call-quality-report.js';
import { CallTimeline } from './services/insights/call-timeline.js';
import { startQualityRetention } from './services/insights/quality-retention.js';
import { TelemetryIngest } from './services/insights/telemetry-ingest.js';
import { createServerMetrics, type ServerMetrics } from './services/metrics/server-metrics.js';
import { createPushOutbox } from './services/push/push-outbox.js';
import { loadVapidKeys, WebPushSender } from './services/push/web-push-sender.js';
import { MediaRoomService } from './services/room/media-room-service.js';
import { SecurityCounters } from './services/security/security-counters.js';
import { SecurityEventLog } from './services/security/security-event-log.js';
import { createIceServersFor, iceRefreshIntervalMs } from './services/turn/turn-credentials.js';
import { AppCallbacks } from './services/webhooks/app-callbacks.js';
import { createWebhookDeliveries } from './services/webhooks/deliveries.js';
import { createWebhookOutbox } from './services/webhooks/webhook-outbox.js';
import { runTeardown } from './teardown/run-teardown.js';
import { serverTeardownSteps } from './teardown/server-teardown.js';
import { guardConnections } from './transport/guard-connections.js';
import { mountConsole } from './transport/http/console/mount-console.js';
import { registerDebugHeapRoutes } from './transport/http/debug-heap-routes.js';
import { announceDevHelpers } from './transport/http/dev-helpers-notice.js';
import { httpTimeoutOptions } from './transport/http/http-timeouts.js';
import { openMetricsWarning, registerMetricsRoute } from './transport/http/metrics-route.js';
import { registerServerApi } from './transport/http/server-api/register-server-api.js';
import type { RtcRoomControl, ServerApiDeps } from './transport/http/server-api/server-api-deps.js';
import { registerStaticRoutes } from './transport/http/static-routes.js';
import { registerWebPushRoutes } from './transport/http/web-push-routes.js';
import { FrameTally } from './transport/ws/frame-tally.js';
import { attachImWebSocket } from './transport/ws/im-websocket.js';
import { dispatchRequest, type RequestServices } from './transport/ws/request-dispatch.js';

export interface RunningServer {
  http: FastifyInstance;
  url: string;
  appKey: string;
  appSecret: string;
  storage: Storage;
  tokens: TokenService;
  calls: CallService;
  /** One call's record, timeline, setup timings and quality samples (services/insights). */
  loadCallDetail: LoadCallDetail;
  /** Refused logins and server-API signatures so far (also in `/metrics`). */
  securityCounters: SecurityCounters;
  /** App administration (the console): several apps, keys, rotation, disable, per-app callbacks. */
  apps: AppAdmin;
  /** Webhook deliveries still in the outbox, with replay (the console). */
  deliveries: WebhookDeliveries;
  /** The `/metrics` registry and the call metrics it holds. */
  metrics: ServerMetrics;
  /** Refuse new calls and wait (bounded) for the ones in flight to end. */
  drain(timeoutMs: number): Promise<void>;
  /**
   * End what is left (NETWORK_ERROR, records stored, devices told), close sockets, HTTP and storage
   * (docs/teardown.md). Every step runs; rejects with a `TeardownError` naming the ones that failed.
   */
  close(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, '../../..');
/** A journaled call last changed longer ago than this is closed at start-up rather than carried on. */
const RESTORE_CALLS_WITHIN_MS = 24 * 3600_000;

export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  // The reads every call makes (app switches, blacklists, bans) come from memory (adapters/storage/read-cache.ts).
  const readCache = withReadCache(await openStorage(config, logger));
  const storage = readCache.storage;
  const app = await ensureDefaultApp(storage, config, logger);
  // App lookups of connects and signed requests come from the read cache; changes drop them on every node.
  const tokens = createTokenService({ apps: storage.apps, users: storage.users, bans: storage.bans }, Date.now, {
    ttlS: config.tokenTtlS,
  });
  // Per-app callback URLs over the env-wide ones: which webhook rows to write, per app.
  const appCallbacks = new AppCallbacks(config.webhooks, storage.apps);
  await appCallbacks.load();
  const securityCounters = new SecurityCounters();
  const security = new SecurityEventLog(logger, securityCounters);
  const cluster = await openCluster(config, logger);
  if (cluster) {
    // Every node drops its cached reads of a store another node changed.
    readCache.onLocalChange((store) => cluster.bus.broadcast({ t: 'storage_changed', store }));
    cluster.bus.onMessage((message) => {
      if (message.t === 'storage_changed') readCache.invalidate(message.store);
    });
    // While Redis is away other nodes' changes cannot arrive: the cache is bypassed (and starts empty after).
    readCache.useReliability(() => cluster.bus.healthy());
  }
  // Journaled calls go on; a device that does not come back within the reconnect grace leaves it.
  // (In cluster mode the journal holds other nodes' calls too: only orphans are taken over, by the sweep.)
  const { restored, closed: recovered } = cluster
    ? { restored: [], closed: [] }
    : await recoverInterruptedCalls(storage, logger, Date.now(), {
        restoreWithinMs: RESTORE_CALLS_WITHIN_MS,
        // Calls closed here end with their `call.ended` webhook (delivered once the worker starts).
        endRows: (call, now) => new CallWebhooks(undefined, appCallbacks.targets()).endedRows(call, now),
      });
  const registry = new ConnectionRegistry(logger, config.streamKeepMs);
  // Web Push (README "Web Push"): the VAPID keys are kept in the database, shared by every node.
  const webPush = config.webPush.subject
    ? new WebPushSender(
        storage.webPush,
        await loadVapidKeys(storage.webPush, Date.now()),
        config.webPush.subject,
        logger,
        config.webPush.allowPrivateEndpoints,
      )
    : undefined;
  // Push notices: written to the outbox with the call change, sent (at least once) by this worker.
  const pushOutbox = createPushOutbox(config, storage, logger, config.nodeId, webPush);
  // Call webhooks and RTC room status sync: the same outbox, their own worker (services/webhooks).
  const webhookOutbox = createWebhookOutbox(config.webhooks, storage, logger, config.nodeId, storage.apps);
  // Before the calls: a restored call whose room is on a remote Janus claims it at once.
  const media = createSfu(config, logger);
  // The calls in flight, shared by the call service and the media room service (services/room).
  const callDirectory = new CallDirectory(Date.now);
  const mediaRooms = new MediaRoomService(callDirectory, registry);
  mediaRooms.useSfu(media.sfu, logger);
  // Call quality telemetry (services/insights): timelines, SDK batches, the `call.quality` webhook.
  // Every answered call's record MOS is settled; its `call.quality` webhook follows the app's callback URLs.
  // Records of ended calls are group-committed by the call journal: MOS is settled after that commit.
  const recordsStored = () => calls.recordsStored();
  const qualityReport = new CallQualityReport({
    storage,
    recordsStored,
    // One node takes every batch of its calls: it knows which calls have a MOS to settle.
    ...(cluster
      ? {}
      : { mayHaveMos: (appKey: string, callId: string, createdAt: number) => telemetry.mayHaveMos(appKey, callId, createdAt) }),
    logger,
    worker: webhookOutbox,
    callEventsOn: (appKey) => appCallbacks.targetsFor(appKey).callEvents,
  });
  const timeline = new CallTimeline({ store: storage.telemetry, logger, now: Date.now, onEnded: (call) => qualityReport.callEnded(call) });
  const telemetry = new TelemetryIngest({
    storage,
    calls: callDirectory,
    recordsStored,
    logger,
    onStored: (appKey, callId, sender, last) => qualityReport.batchStored(appKey, callId, sender.userId, last),
  });
  const qualityRetention = startQualityRetention(storage.telemetry, config.qualityRetentionDays, logger);
  const loadCallDetail = createLoadCallDetail({ storage, calls: callDirectory });
  // Read at scrape time; `calls` exists by then.
  const frames = new FrameTally();
  const metrics = createServerMetrics(
    {
      connections: () => registry.localStreams().filter((stream) => stream.attached).length,
      activeCalls: () => calls.activeCallCount(),
      sfu: media.sfu,
      ...(media.supervisor ? { janusSupervisor: media.supervisor } : {}),
      security: securityCounters,
      frames,
    },
    logger,
  );
  const calls = new CallService({
    lifecycle: metrics.calls,
    storage,
    registry,
    logger,
    ringTimeoutMs: config.ringTimeoutMs,
    reconnectGraceMs: config.reconnectGraceMs,
    maxCallParticipants: config.maxCallParticipants,
    callsPerMinute: config.callsPerMinute,
    outbox: pushOutbox,
    closePushes: webPush !== undefined,
    ...(webhookOutbox
      ? {
          webhooks: {
            targets: appCallbacks.targets(),
            worker: webhookOutbox,
            roomSnapshotIntervalMs: config.webhooks.roomSnapshotIntervalMs,
          },
        }
      : {}),
    recovered,
    restored,
    calls: callDirectory,
    mediaRooms,
    timeline,
    ...(cluster ? { cluster: { bus: cluster.bus, leases: cluster.leases, index: cluster.index } } : {}),
  });
  const appChanges = new AppChanges(
    {
      invalidate: (appKey) => {
        readCache.invalidate('apps');
        return appCallbacks.refresh(appKey);
      },
      callsInFlight: () => calls.calls.all(),
      endCallsOf: (appKey, userIds) => calls.usersBanned(appKey, userIds),
      closeDevices: (appKey, code, message) => registry.closeApp(appKey, code, message),
    },
    logger,
    cluster?.bus,
  );
  const apps = createAppAdmin(storage, {
    allowPrivateTargets: config.webhooks.allowPrivate,
    onChanged: (change) => appChanges.announce(change),
  });
  const deliveries = createWebhookDeliveries(storage.outbox, { worker: webhookOutbox });
  const clusterNode = cluster
    ? startClusterNode(cluster, storage, registry, { calls, mediaRooms, telemetry }, logger, (change) => void appChanges.apply(change))
    : undefined;
  pushOutbox?.start();
  webhookOutbox?.start();

  media.sfu.on('sfuLost', (rooms) => calls.endForMediaFailure(rooms));

  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 100 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    ...httpTimeoutOptions(config),
  });
  const connections = guardConnections(
    http.server,
    { maxPending: config.maxPendingConnections, maxPendingPerSource: config.maxPendingPerIp },
    logger,
  );
  // Each rule acts here and, in cluster mode, on every other node (their devices, their calls).
  // Shared by the server API and the console, so both apply the same rules.
  const userRules: Pick<ServerApiDeps, 'onTokensRevoked' | 'onUsersBanned'> = {
    onTokensRevoked: (appKey, userIds, before) => {
      registry.closeRevoked(appKey, userIds, before);
      const message = 'token revoked';
      cluster?.bus.broadcast({ t: 'close_devices', appKey, userIds, before, code: ErrorCode.RC_CONN_TOKEN_EXPIRED, message });
    },
    onUsersBanned: (appKey, userIds) => {
      calls.usersBanned(appKey, userIds);
      registry.closeUsers(appKey, userIds, ErrorCode.RC_CONN_USER_BLOCKED, 'banned by the server');
      cluster?.bus.broadcast({ t: 'users_banned', appKey, userIds });
      cluster?.bus.broadcast({
        t: 'close_devices',
        appKey,
        userIds,
        code: ErrorCode.RC_CONN_USER_BLOCKED,
        message: 'banned by the server',
      });
    },
  };
  // Rooms: read here (or from the journal when another node runs the call); changes also go to every node.
  const rtcControl: RtcRoomControl = {
    room: (appKey, roomId) => calls.rooms.view(appKey, roomId),
    kick: (appKey, roomId, userIds) => {
      calls.rooms.kick(appKey, roomId, userIds);
      cluster?.bus.broadcast({ t: 'rtc_kick', appKey, roomId, userIds });
    },
    destroy: (appKey, roomId) => {
      calls.rooms.destroy(appKey, roomId);
      cluster?.bus.broadcast({ t: 'rtc_destroy', appKey, roomId });
    },
    kickEverywhere: (appKey, userIds) => {
      calls.usersBanned(appKey, userIds);
      cluster?.bus.broadcast({ t: 'users_banned', appKey, userIds });
    },
  };
  await registerServerApi(http, {
    storage,
    tokens,
    logger,
    // `/call/info.json` answers the same detail the console shows (record, timeline, quality).
    callDetail: loadCallDetail,
    ...userRules,
    onBlacklistAdded: (appKey, ownerId, blockedIds) => {
      calls.blacklistAdded(appKey, ownerId, blockedIds);
      cluster?.bus.broadcast({ t: 'blacklist_added', appKey, ownerId, blockedIds });
    },
    // The registry knows this node's devices and, in cluster mode, the other nodes' (presence replica).
    isOnline: (appKey, userId) => registry.isOnline(appKey, userId),
    apps: storage.apps,
    onAppChanged: (appKey) => void appChanges.announce({ appKey }),
    rtc: rtcControl,
    apiRatePerSec: config.apiRatePerSec,
    signature: {
      windowS: config.apiSignatureWindowS,
      requireV2: config.apiRequireSignatureV2,
      legacyReusedV1: config.apiLegacyReusedSignatures,
      // One node's memory is not enough in a cluster: a request replayed on another node must be refused too.
      ...(cluster ? { nonces: new RedisNonceStore(cluster.redis, new MemoryNonceStore(), logger) } : {}),
    },
    security,
  });
  await registerStaticRoutes(http, {
    sdkDir: resolve(repoRoot, 'dist/sdk'),
    demoDir: resolve(repoRoot, 'apps/demo/public'),
    devTokenEnabled: config.devTokens,
    defaultAppKey: app.appKey,
    storage,
    tokens,
    onlineUsers: (appKey) => registry.localStreams().flatMap((s) => (s.appKey === appKey && s.attached ? [s.userId] : [])),
  });
  await mountConsole(http, {
    config,
    storage,
    registry,
    logger,
    rtc: rtcControl,
    userRules,
    defaultAppKey: app.appKey,
    publicDir: resolve(repoRoot, 'apps/console/public'),
    ...(cluster ? { loginAttempts: new RedisLoginThrottle(cluster.redis, logger) } : {}),
    insights: { queries: storage.callQueries, appAdmin: apps, deliveries, loadCallDetail },
  });
  registerWebPushRoutes(http, {
    storage,
    tokens,
    config: config.webPush,
    publicKey: webPush?.publicKey,
    // Cluster mode: a call another node owns gets the decline through the bus (its owner applies it).
    decline: (appKey, userId, deviceId, callId) => {
      if (calls.declineRinging(appKey, userId, deviceId, callId)) return true;
      if (!cluster || calls.hasCall(appKey, callId)) return false;
      cluster.bus.broadcast({ t: 'call_command', appKey, callId, command: { op: 'decline', userId, deviceId } });
      return true;
    },
    logger,
  });
  registerMetricsRoute(http, { registry: metrics.registry, token: config.metricsToken });
  const metricsWarning = openMetricsWarning(config.host, config.metricsToken);
  if (metricsWarning) logger.warn(metricsWarning);
  if (config.debugHeap) registerDebugHeapRoutes(http, { snapshotDir: resolve(config.dataDir, 'heap') });
  announceDevHelpers(config, logger);
  const ws = attachImWebSocket(http.server, {
    tokens,
    registry,
    calls,
    mediaRooms,
    telemetry,
    ...(clusterNode
      ? {
          route: (from: ImConnection, request: ClientRequest) => clusterNode.router.route(from, request),
          claimStream: (identity: { appKey: string; userId: string; deviceId: string }, resume: { streamId: string; lastSeq: number }) =>
            clusterNode.node.claimStream(identity, resume),
        }
      : {}),
    logger,
    heartbeatMs: config.heartbeatMs,
    ringTimeoutMs: config.ringTimeoutMs,
    framesPerSecond: config.wsFramesPerSecond,
    errorRepliesPerSecond: config.wsErrorRepliesPerSecond,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    onAuthenticated: connections.authenticated,
    maxDevicesPerUser: config.maxDevicesPerUser,
    iceServersFor: createIceServersFor({ urls: config.turnUrls, secret: config.turnSecret, ttlS: config.turnTtlS }),
    iceRefreshMs: iceRefreshIntervalMs({ urls: config.turnUrls, secret: config.turnSecret, ttlS: config.turnTtlS }),
    security,
    frames,
  });

  // Alive is /healthz; ready means this node can take calls: not draining, and (cluster) reaching Redis.
  http.get('/readyz', async (_request, reply) => {
    const ready = !calls.isDraining() && (cluster?.bus.healthy() ?? true);
    return reply.code(ready ? 200 : 503).send({ ready, ...(cluster ? { nodeId: config.nodeId, cluster: cluster.bus.healthy() } : {}) });
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
    loadCallDetail,
    securityCounters,
    apps,
    deliveries,
    metrics,
    async drain(timeoutMs: number) {
      calls.drain();
      // Cluster mode hands calls over instead of waiting for them (close() below).
      if (cluster) return;
      const deadline = Date.now() + timeoutMs;
      while (calls.activeCallCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    },
    async close() {
      qualityRetention.stop();
      // Every step runs even when one fails; the failures are logged and thrown together at the end.
      const steps = serverTeardownSteps({
        calls,
        cluster: clusterNode && cluster ? { node: clusterNode.node, adapters: cluster } : undefined,
        insights: {
          // Timeline first: the quality report's `call.quality` follows the call's last events.
          flush: async () => {
            await timeline.close();
            await telemetry.flushed();
            await qualityReport.close();
          },
        },
        pushOutbox,
        webhookOutbox,
        registry,
        ws,
        media,
        http,
        storage,
      });
      await runTeardown(steps, logger);
    },
  };
}

/** Cluster mode: the takeover sweep, the intent router and the node's message handling, started. */
function startClusterNode(
  cluster: ClusterAdapters,
  storage: Storage,
  registry: ConnectionRegistry,
  services: RequestServices,
  logger: Logger,
  onAppChanged: (change: { appKey: string; disabled?: boolean }) => void,
) {
  const { calls } = services;
  const takeover = new CallTakeover(storage, cluster.bus, cluster.leases, calls, logger);
  const router = new IntentRouter(
    calls,
    (from, request) => dispatchRequest(services, from, request),
    cluster.bus,
    cluster.leases,
    takeover,
    logger,
  );
  const node = new ClusterNode({ bus: cluster.bus, leases: cluster.leases, registry, calls, router, takeover, logger, onAppChanged });
  node.start();
  // Redis came back (perhaps without its data): re-announce devices and calls.
  cluster.redis.command.on('ready', () => {
    node.syncPresence();
    calls.retrackAll();
  });
  return { node, router };
}
