/**
 * `RCCallPlusClient` (returned by `installPlugin(CallPlus.installer, { rtcClient })`). It runs on the
 * same call engine as CallLib (`RCCallClient` of `@opencall/call`), so CallPlus pages and CallLib
 * pages call each other through the same server. Two ways to drive it:
 * - CallPlus's own API (`startCall` / `accept` / `hangup` + `setCallPlusEventListener`);
 * - the CallLib-style wrapper (`CallPlusWrapper`), which attaches through `WRAPPER_PORT_METHOD`
 *   and from then on receives every session.
 * Either way, `setVideoView` + `playMedia` play the media the call reported.
 */
import { type IEndSummary, type IRCCallInitOptions, type ISessionListener, RCCallClient, type RCCallSession } from '@opencall/call';
import type { PluginContext } from '@opencall/imlib';
import { RCCallErrorCode } from '@opencall/protocol';
import { RCCallPlusSession } from './callplus-session.js';
import { RCCallPlusCode, type RCCallPlusMediaType, RCCallPlusType } from './enums.js';
import { callPlusMediaTypeOfTrack, isCallPlusMediaType, toCallLibMediaType, toCallPlusCode } from './media-type-map.js';
import { type IRCCallPlusVideoView, MediaViews } from './media-views.js';
import { OpenCallNotSupportedError, UNSUPPORTED_CALLPLUS_METHODS } from './not-supported.js';
import type { IRCCallPlusEventListener, IRCCallPlusInitOptions, IRCCallPlusPushConfig } from './types.js';
import { WRAPPER_CALL_OPTION_KEYS, WRAPPER_PORT_METHOD, type WrapperHooks, type WrapperPort } from './wrapper-port.js';

type Code = { code: number };

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export class RCCallPlusClient {
  private readonly engine: RCCallClient;
  private readonly engineOptions: IRCCallInitOptions<RCCallSession>;
  private readonly views: MediaViews;
  private listener: IRCCallPlusEventListener = {};
  private wrapper: WrapperHooks | undefined;
  /** Live sessions of the CallPlus API (the wrapper keeps its own). */
  private readonly sessions = new Map<string, { engine: RCCallSession; plus: RCCallPlusSession }>();

  /** @internal */
  constructor(
    private readonly context: PluginContext,
    options: IRCCallPlusInitOptions,
  ) {
    this.views = new MediaViews(context.logger);
    // The engine reads its options when it needs them: a wrapper's CallLib options are applied to this object.
    this.engineOptions = {
      rtcClient: options.rtcClient,
      onSession: (session, extra) => this.onEngineSession(session, extra),
      onSessionClose: (session, summary) => this.onEngineSessionClose(session, summary),
      ...(options.isAllowDemotionGetStream === undefined ? {} : { isAllowDemotionGetStream: options.isAllowDemotionGetStream }),
      ...(options.joinType === undefined ? {} : { joinType: options.joinType }),
      ...(options.lang === undefined ? {} : { lang: options.lang }),
    };
    this.engine = new RCCallClient(context, this.engineOptions);
    for (const name of UNSUPPORTED_CALLPLUS_METHODS) {
      Object.defineProperty(this, name, {
        value: () => {
          throw new OpenCallNotSupportedError(`RCCallPlusClient.${name}`);
        },
        enumerable: false,
      });
    }
  }

  /** @internal The CallLib-style wrapper attaches here (once): from then on it receives every session. */
  [WRAPPER_PORT_METHOD](hooks: WrapperHooks): WrapperPort {
    if (this.wrapper) throw new Error('[RCCallPlusClient] a CallPlusWrapper is already installed on this client');
    this.wrapper = hooks;
    return {
      engine: this.engine,
      rememberTrack: (track, callId) => this.views.remember(track, callId),
      settlePendingTracks: (callId) => (callId === undefined ? this.views.forgetCall(undefined) : this.views.adoptPending(callId)),
      applyCallOptions: (options) => {
        for (const key of WRAPPER_CALL_OPTION_KEYS) {
          if (options[key] !== undefined) Object.assign(this.engineOptions, { [key]: options[key] });
        }
      },
      logger: this.context.logger,
    };
  }

  setCallPlusEventListener(listener: IRCCallPlusEventListener): void {
    if (typeof listener !== 'object' || listener === null)
      throw new Error('[RCCallPlusClient setCallPlusEventListener] listener must be an object');
    this.listener = { ...listener };
  }

  /** Binds users to `<video>` elements; `playMedia(userId, VIDEO | AUDIO_VIDEO)` plays into them. */
  setVideoView(list: IRCCallPlusVideoView[]): { code: RCCallPlusCode } {
    return this.views.setVideoView(list);
  }

  removeVideoView(userIds: string[]): { code: RCCallPlusCode } {
    return this.views.removeVideoView(userIds);
  }

  /** Plays `userId`'s media once the call reported it (`onUserMediaAvailable`, or the wrapper's `onTrackReady`). */
  playMedia(userId: string, mediaType: RCCallPlusMediaType): Promise<{ code: RCCallPlusCode }> {
    return this.views.play(userId, mediaType);
  }

  /** Starts a 1:1 call (`RCCallPlusType.SINGLE`, one user id; CallPlus's 1:1 calls are CallLib PRIVATE calls). */
  async startCall(
    userIds: string[],
    callType: RCCallPlusType,
    mediaType: RCCallPlusMediaType,
    pushConfig?: IRCCallPlusPushConfig,
    extra?: string,
  ): Promise<{ code: number; callId?: string }> {
    if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every(isNonEmptyString))
      return { code: RCCallPlusCode.USER_LIST_INVAILD };
    if (!isCallPlusMediaType(mediaType)) return { code: RCCallPlusCode.MEDIATYPE_INVALID };
    if (callType === RCCallPlusType.MULTI) throw new OpenCallNotSupportedError('RCCallPlusClient.startCall with RCCallPlusType.MULTI');
    if (callType !== RCCallPlusType.SINGLE) return { code: RCCallPlusCode.PARAM_ERROR };
    if (userIds.length > 1) return { code: RCCallPlusCode.SINGLE_CALL_NOT_SUPPORT_MULTI_PERSON };
    if (this.wrapper)
      throw new OpenCallNotSupportedError('RCCallPlusClient.startCall while a CallPlusWrapper is installed (call through the wrapper)');
    const targetId = userIds[0] as string;
    const result = await this.engine.call({
      targetId,
      mediaType: toCallLibMediaType(mediaType),
      listener: this.sessionListener(),
      ...(extra === undefined ? {} : { extra }),
      ...(typeof pushConfig?.pushTitle === 'string' ? { pushTitle: pushConfig.pushTitle } : {}),
      ...(typeof pushConfig?.pushContent === 'string' ? { pushContent: pushConfig.pushContent } : {}),
    });
    if (result.code !== RCCallErrorCode.SUCCESS || !result.session) {
      this.views.forgetCall(undefined);
      return { code: toCallPlusCode(result.code) };
    }
    this.views.adoptPending(result.session.getSessionId());
    this.track(result.session);
    return { code: RCCallPlusCode.SUCCESS, callId: result.session.getSessionId() };
  }

  /** Answers the incoming call `callId`. */
  async accept(callId: string): Promise<Code> {
    const entry = this.sessions.get(callId);
    if (!entry) return { code: isNonEmptyString(callId) ? RCCallPlusCode.NOT_IN_CALL : RCCallPlusCode.CALL_ID_INVALID };
    const { code } = await entry.engine.accept();
    if (code === RCCallErrorCode.SUCCESS) this.connected(entry.plus);
    return { code: toCallPlusCode(code) };
  }

  /** Cancels, rejects or hangs up `callId` (the current call without an id). */
  async hangup(callId?: string): Promise<Code> {
    const entry = callId === undefined ? [...this.sessions.values()][0] : this.sessions.get(callId);
    if (!entry) return { code: RCCallPlusCode.NOT_IN_CALL };
    const { code } = await entry.engine.hungup();
    return { code: toCallPlusCode(code) };
  }

  getCurrentCallSession(): RCCallPlusSession | null {
    return [...this.sessions.values()][0]?.plus ?? null;
  }

  private onEngineSession(session: RCCallSession, extra?: string): void {
    if (this.wrapper) {
      this.wrapper.onSession(session, extra);
      return;
    }
    session.registerSessionListener(this.sessionListener());
    const plus = this.track(session);
    this.emit('onReceivedCall', plus, extra);
  }

  private onEngineSessionClose(session: RCCallSession, summary?: IEndSummary): void {
    this.views.forgetCall(session.getSessionId());
    if (this.wrapper) {
      this.wrapper.onSessionClose(session, summary);
      return;
    }
    const entry = this.sessions.get(session.getSessionId());
    this.sessions.delete(session.getSessionId());
    this.emit('onCallEnded', entry?.plus ?? new RCCallPlusSession(session, this.context.getCurrentId()), summary?.endReason ?? null);
  }

  private track(session: RCCallSession): RCCallPlusSession {
    const plus = new RCCallPlusSession(session, this.context.getCurrentId());
    this.sessions.set(session.getSessionId(), { engine: session, plus });
    return plus;
  }

  private connected(plus: RCCallPlusSession): void {
    this.emit('onCallConnected', plus);
    this.emit('onReceivedCallStart', { callId: plus.getCallId(), startTime: Date.now() });
  }

  /** The engine listener of CallPlus-API sessions: tracks become playable media, an accept connects the caller. */
  private sessionListener(): ISessionListener<RCCallSession> {
    const ignore = () => undefined;
    return {
      onRinging: ignore,
      onHungup: ignore,
      onMemberModify: ignore,
      onMediaModify: ignore,
      onAccept: (_sender, session) => {
        const plus = this.sessions.get(session.getSessionId())?.plus;
        if (plus && session.getCallerId() === this.context.getCurrentId()) this.connected(plus);
      },
      onTrackReady: (track, session) => {
        this.views.remember(track, session?.getSessionId());
        this.emit('onUserMediaAvailable', track.getUserId(), callPlusMediaTypeOfTrack(track.isAudioTrack() ? 'audio' : 'video'));
      },
    };
  }

  private emit<K extends keyof IRCCallPlusEventListener>(name: K, ...args: Parameters<NonNullable<IRCCallPlusEventListener[K]>>): void {
    const callback = this.listener[name] as ((...a: unknown[]) => void) | undefined;
    if (typeof callback !== 'function') return;
    try {
      callback.apply(this.listener, args);
    } catch (error) {
      this.context.logger.error(`[RCCallPlusClient] listener ${name} threw`, error);
    }
  }
}
