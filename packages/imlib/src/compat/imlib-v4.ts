/**
 * The IMLib 4.x adapter facade (`@rongcloud/imlib-v4-adapter`: `init` → `IMClient`), over the same
 * 5.x core. Seed, "CallLib 配合 IMLib 4.X":
 *   const im = init({ appkey });            // + navigators / navi as in 5.x
 *   const rtcClient = im.install(RCRTC.installer);
 *   const caller = im.install(RCCall.installer, { rtcClient, onSession, onSessionClose });
 *   im.connect({ token }).then((user) => user.id).catch((error) => error.code, error.msg);
 * `watch({ status })` / `unwatch()` are the 4.x status listener (apps call it before connect).
 */
import { ErrorCode } from '@opencall/protocol';
import type { PluginInstaller } from '../plugin-context.js';
import type { InitOptions, RongIMLibClient } from '../rong-imlib.js';
import { type ConnectionStatus, watchLegacyStatus } from './legacy-status.js';

/** What `IMClient.connect` resolves with. */
export interface IMLibV4User {
  id: string;
}

/** What `IMClient.connect` rejects with. */
export interface IMLibV4Error {
  code: ErrorCode | number;
  msg: string;
}

/** The 4.x `watch` options OpenCall honours (message / conversation watchers are accepted and never fire). */
export interface IMLibV4Watcher {
  status?(event: { status: ConnectionStatus }): void;
  [ignored: string]: unknown;
}

/** IMLib 4.x `IMClient`. All methods may be called unbound. */
export class IMClient {
  private readonly unwatchers: (() => void)[] = [];

  /** Use {@link initV4}; the constructor is for the adapter. */
  constructor(private readonly core: RongIMLibClient) {}

  /** Installs a plugin (RCRTC, RCCall): 5.x `installPlugin`. */
  install = <API, Options>(installer: PluginInstaller<API, Options>, options?: Options): API | null =>
    this.core.installPlugin(installer, options as Options);

  /** Resolves `{ id: userId }`; rejects `{ code, msg }`. */
  connect = async (options: { token: string }): Promise<IMLibV4User> => {
    const token = options !== null && typeof options === 'object' ? options.token : undefined;
    if (typeof token !== 'string' || token === '') {
      throw { code: ErrorCode.PARAMETER_ERROR, msg: 'connect({ token }): token must be a non-empty string' } satisfies IMLibV4Error;
    }
    const result = await this.core.connect(token);
    if (!result.isOk || result.data === undefined) {
      throw { code: result.code, msg: result.msg ?? 'connect failed' } satisfies IMLibV4Error;
    }
    return { id: result.data.userId };
  };

  disconnect = (): Promise<void> => this.core.disconnect();

  /** Registers status watchers; several `watch` calls add up until `unwatch`. */
  watch = (watcher: IMLibV4Watcher): void => {
    if (watcher === null || typeof watcher !== 'object') return;
    const { status } = watcher;
    if (typeof status !== 'function') return;
    this.unwatchers.push(watchLegacyStatus(this.core, (value) => status.call(watcher, { status: value })));
  };

  /** Removes every watcher added by `watch`. */
  unwatch = (): void => {
    for (const unwatch of this.unwatchers.splice(0)) unwatch();
  };

  /** 5.x-compatible getters also present on the 4.x client. */
  getConnectionStatus = (): number => this.core.getConnectionStatus();
  getServerTime = (): number => this.core.getServerTime();
}

/**
 * IMLib 4.x `init`: configures `core` (same options as 5.x: `appkey`, `navigators`, `navi`) and
 * returns its `IMClient`. Throws like 5.x `init` without an app key or a usable server address.
 */
export function initV4(options: InitOptions, core: RongIMLibClient): IMClient {
  core.init(options);
  return new IMClient(core);
}
