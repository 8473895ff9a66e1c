/** What the server-API routes need, and the app each authenticated request acts for. */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type {
  AppRecord,
  BlacklistAddedListener,
  NonceStore,
  Storage,
  TokenService,
  TokensRevokedListener,
  UsersBannedListener,
} from '../../../ports/index.js';
import type { LoadCallDetail } from '../../../ports/insights.js';
import type { RtcRoomView } from '../../../services/call/rtc-room-admin.js';
import type { SecurityEventLog } from '../../../services/security/security-event-log.js';

/** The media rooms, as the `/rtc/*` endpoints reach them (on every node in cluster mode). */
export interface RtcRoomControl {
  /** The room with its members, or undefined when nobody is in it. */
  room(appKey: string, roomId: string): Promise<RtcRoomView | undefined>;
  /** These users leave the room's call with KICKED_BY_SERVER (others see 33). */
  kick(appKey: string, roomId: string, userIds: string[]): void;
  /** The room's call ends for everyone with KICKED_BY_SERVER. */
  destroy(appKey: string, roomId: string): void;
  /** These users leave every call with KICKED_BY_SERVER (a ban from all rooms was stored). */
  kickEverywhere(appKey: string, userIds: string[]): void;
}

export interface ServerApiDeps {
  storage: Storage;
  tokens: TokenService;
  logger: Logger;
  /** Called after `/user/token/expire.json` so live connections can be closed. */
  onTokensRevoked: TokensRevokedListener;
  /** Called after `/user/block.json` has stored a ban, so live connections close and calls end. */
  onUsersBanned: UsersBannedListener;
  /** Called after `/user/blacklist/add.json` has stored the entries, so a call ringing the owner from a blocked user stops. */
  onBlacklistAdded?: BlacklistAddedListener;
  /** Whether a device of the user is connected on any node (`/user/checkOnline.json`; absent: the route is not served). */
  isOnline?: (appKey: string, userId: string) => boolean;
  /** The media rooms (`/rtc/*`, `/v2/rtc/*`; absent: those routes are not served). */
  rtc?: RtcRoomControl;
  /** Sustained requests per second per App Key (getToken: twice this); default 100. */
  apiRatePerSec?: number;
  /** Wall clock (ms) for ban times; default `Date.now`. */
  now?: () => number;
  /** Replay protection of the signing headers (defaults: ±300 s window, v1 allowed, nonces in memory, `Date.now`). */
  signature?: { windowS?: number; requireV2?: boolean; legacyReusedV1?: boolean; nonces?: NonceStore; now?: () => number };
  /** App lookups of the signature check; default `storage.apps` (in app.ts: through the read cache). */
  apps?: Pick<Storage['apps'], 'get'>;
  /** Called after an endpoint changed an app (`/opencall/app/service.json`), so caches on every node drop it. */
  onAppChanged?: (appKey: string) => void;
  /** Where refused signatures are counted and logged; default: a log on `logger` with its own counters. */
  security?: SecurityEventLog;
  /** A call with its telemetry (`/call/info.json` answers setup timings and MOS per participant); absent: the stored record. */
  callDetail?: LoadCallDetail;
}

const requestApps = new WeakMap<FastifyRequest, AppRecord>();

/** Records the app a request was signed for (set by the authentication hook). */
export function setRequestApp(request: FastifyRequest, app: AppRecord): void {
  requestApps.set(request, app);
}

/** The app a request was signed for; throws if the authentication hook did not run. */
export function requestApp(request: FastifyRequest): AppRecord {
  const app = requestApps.get(request);
  if (!app) throw new Error('server-API request was not authenticated');
  return app;
}
