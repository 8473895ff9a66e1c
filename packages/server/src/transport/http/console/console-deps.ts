/** What the console routes need: storage, the insights ports and the live server's controls. */
import type { Logger } from 'pino';
import type {
  AppAdmin,
  CallQueries,
  LoadCallDetail,
  Storage,
  TokensRevokedListener,
  UsersBannedListener,
  WebhookDeliveries,
} from '../../../ports/index.js';
import type { AdminCredentials } from '../../../services/console/admin-credentials.js';
import type { ConsoleSessions } from '../../../services/console/console-session.js';
import type { LoginAttempts } from '../../../services/console/login-throttle.js';
import type { RtcRoomControl } from '../server-api/server-api-deps.js';

/** A connected device, on this node or (cluster mode) another. */
export interface ConnectedDevice {
  userId: string;
  deviceId: string;
  /** '' on this node. */
  nodeId: string;
  /** False while the device is away but its stream still waits for a resume. */
  attached: boolean;
}

export interface ConsoleLive {
  /** Devices of the app connected now, on every node. */
  devices(appKey: string): ConnectedDevice[];
  /** Devices of one user, on every node. */
  devicesOf(appKey: string, userId: string): ConnectedDevice[];
}

export interface ConsoleDeps {
  storage: Storage;
  logger: Logger;
  credentials: AdminCredentials;
  sessions: ConsoleSessions;
  throttle: LoginAttempts;
  /** Folder with the console's HTML/JS/CSS. */
  publicDir: string;
  /** Folder with uPlot's built files (`uPlot.iife.min.js`, `uPlot.min.css`). */
  uplotDir: string;
  live: ConsoleLive;
  rtc: RtcRoomControl;
  onTokensRevoked: TokensRevokedListener;
  onUsersBanned: UsersBannedListener;
  /** Absent until the part that implements it is built in: its pages answer `console.not_available`. */
  appAdmin?: AppAdmin;
  queries?: CallQueries;
  loadCallDetail?: LoadCallDetail;
  deliveries?: WebhookDeliveries;
  /** Wall clock (ms); default `Date.now`. */
  now?: () => number;
}
