/**
 * The wrapper's `RCCallClient` (`installPlugin(CallPlusWrapper.installer, { callPlusClient, onSession,
 * onSessionClose })`): CallLib's client API, running on the call engine of the CallPlus client.
 */
import type { RCCallSession as EngineSession, IEndSummary, IRTCJoinedInfo } from '@opencall/call';
import type { RCCallErrorCode } from '@opencall/protocol';
import type { WrapperPort, WrapperPortProvider } from '../wrapper-port.js';
import { WRAPPER_PORT_METHOD } from '../wrapper-port.js';
import { bridgeListener } from './listener-bridge.js';
import type { IPushConfig, IRCCallPlusWrapperInitOptions, IWrapperCallInGroupParams, IWrapperCallParams } from './types.js';
import { assertWrapperListener } from './validate.js';
import { RCCallSession, type WrapperSessionHost } from './wrapper-session.js';

type CallResult = { code: RCCallErrorCode; session?: RCCallSession };

export class RCCallClient {
  private readonly port: WrapperPort;
  private readonly sessions = new WeakMap<EngineSession, RCCallSession>();
  private readonly host: WrapperSessionHost;

  /** @internal */
  constructor(options: IRCCallPlusWrapperInitOptions<RCCallSession>) {
    this.host = {
      wrap: (session) => this.wrap(session),
      rememberTrack: (track, callId) => this.port.rememberTrack(track, callId),
      logger: { error: (...args) => this.port.logger.error(...args) },
    };
    const provider = options.callPlusClient as unknown as WrapperPortProvider;
    this.port = provider[WRAPPER_PORT_METHOD]({
      onSession: (session, extra) => options.onSession(this.wrap(session), extra),
      onSessionClose: (session, summary?: IEndSummary) => options.onSessionClose(this.wrap(session), summary),
    });
    this.port.applyCallOptions(options);
  }

  /** Start a 1:1 call, as CallLib's `call`. */
  async call(params: IWrapperCallParams<RCCallSession>): Promise<CallResult> {
    assertWrapperListener(params?.listener, 'RCCallClient call');
    const result = await this.port.engine.call({ ...params, listener: bridgeListener(params.listener, this.host) });
    return this.placed(result);
  }

  /** Start a group call, as CallLib's `callInGroup`. */
  async callInGroup(params: IWrapperCallInGroupParams<RCCallSession>): Promise<CallResult> {
    assertWrapperListener(params?.listener, 'RCCallClient callInGroup');
    const result = await this.port.engine.callInGroup({ ...params, listener: bridgeListener(params.listener, this.host) });
    return this.placed(result);
  }

  /** Deprecated in the wrapper (seed: no user info is registered or passed through): does nothing. */
  registerUserInfo(_info?: { name?: string; portraitUri?: string; extra?: string }): void {
    this.port.logger.warn('[RCCallClient registerUserInfo] is deprecated in CallPlusWrapper and does nothing');
  }

  setPushConfig(callPushConfig: IPushConfig, hungupPushConfig: IPushConfig): void {
    this.port.engine.setPushConfig(callPushConfig, hungupPushConfig);
  }

  getJoinedUserInfo(userId: string): Promise<{ code: RCCallErrorCode; data?: IRTCJoinedInfo[] }> {
    return this.port.engine.getJoinedUserInfo(userId);
  }

  /** The caller's own tracks were reported before the call had an id: they now belong to it (or are dropped). */
  private placed(result: { code: RCCallErrorCode; session?: EngineSession }): CallResult {
    this.port.settlePendingTracks(result.session?.getSessionId());
    return result.session ? { code: result.code, session: this.wrap(result.session) } : { code: result.code };
  }

  private wrap(session: EngineSession): RCCallSession {
    let wrapped = this.sessions.get(session);
    if (!wrapped) {
      wrapped = new RCCallSession(session, this.host);
      this.sessions.set(session, wrapped);
    }
    return wrapped;
  }
}
