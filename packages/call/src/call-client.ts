/**
 * `RCCallClient` (returned by `installPlugin(RCCall.installer, options)`): places calls, turns the
 * server's call events into sessions, and keeps at most one live session, as CallLib.
 */
import type { PluginContext } from '@opencall/imlib';
import {
  type CallEvent,
  type CallInvitedEvent,
  ConversationType,
  defaultPushTitle,
  RCCallEndReason,
  RCCallErrorCode,
  RCCallLanguage,
  RCCallMediaType,
  RCCallSessionState,
  RCCallUserState,
  requestThroughPause,
  type ServerEvent,
} from '@opencall/protocol';
import { toCallErrorCode } from './call-error.js';
import { newCallId } from './call-id.js';
import { type InvitePush, RCCallSession, type SessionHost } from './call-session.js';
import { captureForCall } from './capture.js';
import { type ResolvedPush, resolvePushConfig } from './push-config.js';
import type { CallRtcClient } from './rtc-port.js';
import type {
  ICallInGroupParams,
  ICallParams,
  IEndSummary,
  IPushConfig,
  IRCCallInitOptions,
  IRTCJoinedInfo,
  IUserProfile,
} from './types.js';
import { assertCallParams, assertUserId } from './validate.js';

type CallResult = { code: RCCallErrorCode; session?: RCCallSession };

export class RCCallClient {
  private readonly sessions = new Map<string, RCCallSession>();
  private userProfile: IUserProfile | undefined;
  private readonly host: SessionHost;
  private callPush: ResolvedPush = {};
  /** A 1:1 call being placed, and an invitation from that same user that crossed it (glare). */
  private dialing: { targetId: string; crossing?: { session: RCCallSession; event: CallInvitedEvent } } | undefined;
  private hangupPush: ResolvedPush = {};

  /** @internal */
  constructor(
    private readonly context: PluginContext,
    private readonly options: IRCCallInitOptions<RCCallSession>,
  ) {
    this.host = {
      context,
      rtc: options.rtcClient as CallRtcClient,
      options,
      profile: () => this.userProfile,
      hangUpOthers: async (except) => {
        await Promise.all([...this.sessions.values()].filter((s) => s !== except).map((s) => s.hungup()));
      },
      sessionClosed: (session, summary) => this.sessionClosed(session, summary),
      invitePush: (mediaType, params) => this.invitePush(mediaType, params),
      hangupPush: () => this.hangupPush,
    };
    context.onEvent((event) => this.onServerEvent(event));
    // Reported while the new socket is adopted, before it counts as connected: ask right after.
    context.onStreamReset(() => {
      const live = this.liveSessions();
      if (live.length > 0) queueMicrotask(() => void this.resync(live));
    });
  }

  /**
   * The event stream started afresh (the server restarted, this device reconnected to another server,
   * or it was away past the stream's keep time): ask the server which live sessions go on; the others
   * end with the reason the server gives (what this device missed). If the server can't answer, they
   * end with NETWORK_ERROR.
   */
  private async resync(live: RCCallSession[]): Promise<void> {
    const callIds = live.map((s) => s.getSessionId()).slice(0, 8);
    const result = await requestThroughPause(() => this.context.request({ t: 'call.resync', callIds }));
    const states = result.code === RCCallErrorCode.SUCCESS ? (result.data?.calls ?? []) : [];
    for (const session of live) {
      if (session.getState() === RCCallSessionState.END) continue;
      const state = states.find((s) => s.callId === session.getSessionId());
      if (state?.live) continue;
      session.handleEvent({
        type: 'call.ended',
        callId: session.getSessionId(),
        reason: state?.reason ?? RCCallEndReason.NETWORK_ERROR,
        beginTime: state?.beginTime ?? 0,
        endTime: state?.endTime ?? Date.now(),
      });
    }
  }

  /**
   * Start a 1:1 call. As CallLib's (its params are destructured before its async body runs): no
   * params object throws a TypeError at once; bad fields reject the returned promise.
   */
  call(params: ICallParams<RCCallSession>): Promise<CallResult> {
    assertParamsObject(params, 'call');
    return this.checkedCall(params);
  }

  private async checkedCall(params: ICallParams<RCCallSession>): Promise<CallResult> {
    assertCallParams(params, 'RCCallClient call', false);
    return this.place(ConversationType.PRIVATE, params, [params.targetId]);
  }

  /** Start a group call (`targetId` is the group id). Bad params: as `call`. */
  callInGroup(params: ICallInGroupParams<RCCallSession>): Promise<CallResult> {
    assertParamsObject(params, 'callInGroup');
    return this.checkedCallInGroup(params);
  }

  private async checkedCallInGroup(params: ICallInGroupParams<RCCallSession>): Promise<CallResult> {
    assertCallParams(params, 'RCCallClient callInGroup', true);
    return this.place(ConversationType.GROUP, params, [...new Set(params.userIds)]);
  }

  /** Profile attached to every call signal this client sends from now on. */
  registerUserInfo(info: IUserProfile = {}): void {
    const { name, portraitUri, extra } = info;
    this.userProfile = {
      ...(name === undefined ? {} : { name }),
      ...(portraitUri === undefined ? {} : { portraitUri }),
      ...(extra === undefined ? {} : { extra }),
    };
  }

  /**
   * The pushes of this client's signals: `callPushConfig` for its invites, `hungupPushConfig` for its
   * hang-ups (as caller: also the notices its call's end causes, a no-answer included). Texts and the
   * per-vendor fields reach the push provider. A bad field throws.
   */
  setPushConfig(callPushConfig: IPushConfig, hungupPushConfig: IPushConfig): void {
    const callPush = resolvePushConfig(callPushConfig, 'RCCallClient setPushConfig');
    this.hangupPush = resolvePushConfig(hungupPushConfig, 'RCCallClient setPushConfig');
    this.callPush = callPush;
  }

  private async place(conversationType: ConversationType, params: ICallParams<RCCallSession>, userIds: string[]): Promise<CallResult> {
    const selfId = this.context.getCurrentId();
    if (params.targetId === selfId || userIds.includes(selfId)) return { code: RCCallErrorCode.PARAM_ERROR };
    if (this.liveSessions().length > 0) return { code: RCCallErrorCode.STATE_MACHINE_EXIT };
    const mediaType = params.mediaType ?? RCCallMediaType.AUDIO;
    const captured = await captureForCall(this.host.rtc, mediaType, params.constraints, this.options.isAllowDemotionGetStream === true);
    if (captured.code !== RCCallErrorCode.SUCCESS || !captured.tracks) return { code: captured.code };
    for (const track of captured.tracks) {
      try {
        params.listener.onTrackReady(track);
      } catch (error) {
        this.context.logger.error('[RCCallClient] listener onTrackReady threw', error);
      }
    }
    if (this.liveSessions().length > 0) {
      for (const track of captured.tracks) track.destroy();
      return { code: RCCallErrorCode.STATE_MACHINE_EXIT };
    }
    const callId = newCallId();
    // Placing a call during a signaling pause waits for the link (the server answers a repeated invite once).
    const answer = requestThroughPause(() =>
      this.context.request({
        t: 'call.invite',
        callId,
        conversationType: conversationType as 1 | 3,
        targetId: params.targetId,
        channelId: params.channelId ?? '',
        mediaType: captured.mediaType,
        userIds,
        ...(params.extra === undefined ? {} : { extra: params.extra }),
        ...this.invitePush(captured.mediaType, params),
        ...(Object.keys(this.hangupPush).length === 0 ? {} : { hangupPush: this.hangupPush }),
        ...(this.userProfile ? { user: this.userProfile } : {}),
      }),
    );
    // The invite is on the wire; the session is built in the same run, before any event of the call can arrive.
    const session = new RCCallSession(
      {
        callId,
        conversationType,
        targetId: params.targetId,
        channelId: params.channelId ?? '',
        mediaType: captured.mediaType,
        callerId: selfId,
        selfId,
        extra: params.extra ?? '',
        users: [selfId, ...userIds].map((userId) => ({ userId, state: RCCallUserState.WAITING })),
        localTracks: captured.tracks,
        ...(params.constraints === undefined ? {} : { constraints: params.constraints }),
      },
      this.host,
    );
    session.registerSessionListener(params.listener);
    this.sessions.set(callId, session);
    this.dialing = conversationType === ConversationType.PRIVATE ? { targetId: params.targetId } : undefined;
    const result = await answer;
    const crossing = this.dialing?.crossing;
    this.dialing = undefined;
    if (result.code === RCCallErrorCode.GLARE_ANSWER_INSTEAD) {
      this.sessions.delete(callId);
      const target = crossing?.session ?? this.sessions.get(result.data?.callId ?? '');
      if (!target) {
        for (const track of captured.tracks) track.destroy();
        return { code: RCCallErrorCode.STATE_MACHINE_EXIT };
      }
      target.registerSessionListener(params.listener);
      const answered = await target.answer(captured.tracks, captured.mediaType, false);
      return answered.code === RCCallErrorCode.SUCCESS ? { code: RCCallErrorCode.SUCCESS, session: target } : answered;
    }
    if (result.code !== RCCallErrorCode.SUCCESS) {
      this.sessions.delete(callId);
      for (const track of captured.tracks) track.destroy();
      if (crossing) this.announce(crossing.session, crossing.event, false);
      return { code: toCallErrorCode(result.code) };
    }
    if (crossing) this.announce(crossing.session, crossing.event, true);
    session.placed();
    return { code: RCCallErrorCode.SUCCESS, session };
  }

  /** Per-call texts, else `setPushConfig`'s, else CallLib's default title for `lang`. */
  private invitePush(mediaType: RCCallMediaType, params: { pushTitle?: string; pushContent?: string }): InvitePush {
    const pushTitle = params.pushTitle ?? this.callPush.pushTitle ?? defaultPushTitle(this.options.lang ?? RCCallLanguage.ZH, mediaType);
    const pushContent = params.pushContent ?? this.callPush.pushContent;
    const { pushConfig } = this.callPush;
    return { pushTitle, ...(pushContent === undefined ? {} : { pushContent }), ...(pushConfig === undefined ? {} : { pushConfig }) };
  }

  /** The media rooms the user's devices are in (CallLib 5.0.1 `getJoinedUserInfo`). */
  async getJoinedUserInfo(userId: string): Promise<{ code: RCCallErrorCode; data?: IRTCJoinedInfo[] }> {
    assertUserId(userId, 'RCCallClient getJoinedUserInfo');
    const result = await this.context.request({ t: 'call.joined_info', userId });
    if (result.code !== RCCallErrorCode.SUCCESS) return { code: RCCallErrorCode.QUERY_JOINED_USER_INFO_ERROR };
    const rooms = result.data?.rooms ?? [];
    return { code: RCCallErrorCode.SUCCESS, data: rooms };
  }

  private liveSessions(): RCCallSession[] {
    return [...this.sessions.values()].filter((s) => s.getState() !== RCCallSessionState.END);
  }

  private onServerEvent(event: ServerEvent): void {
    if (!event.type.startsWith('call.')) return;
    const callEvent = event as CallEvent;
    if (callEvent.type === 'call.invited') {
      this.incoming(callEvent);
      return;
    }
    if (callEvent.type === 'call.offline_record') {
      const { type: _type, ...record } = callEvent;
      try {
        this.options.onOfflineRecord?.(record);
      } catch (error) {
        this.context.logger.error('[RCCallClient] onOfflineRecord threw', error);
      }
      return;
    }
    this.sessions.get(callEvent.callId)?.handleEvent(callEvent);
  }

  private incoming(event: CallInvitedEvent): void {
    const known = this.sessions.get(event.callId);
    if (known && known.getState() !== RCCallSessionState.END) return;
    const selfId = this.context.getCurrentId();
    const busyHere = this.liveSessions().length > 0;
    const session = new RCCallSession(
      {
        callId: event.callId,
        conversationType: event.conversationType,
        targetId: event.targetId,
        channelId: event.channelId,
        mediaType: event.mediaType,
        callerId: event.callerId,
        selfId,
        extra: event.extra,
        users: event.members.map((m) => ({
          userId: m.userId,
          state: m.state === 2 ? RCCallUserState.KEEPING : RCCallUserState.WAITING,
          ...(m.userId === event.callerId && event.user ? { profile: event.user } : {}),
        })),
        localTracks: [],
      },
      this.host,
    );
    this.sessions.set(event.callId, session);
    const glare =
      this.dialing !== undefined &&
      event.conversationType === ConversationType.PRIVATE &&
      event.callerId === this.dialing.targetId &&
      !event.busy;
    if (glare && this.dialing) {
      // Our own call to this user is in flight: the server will tell us to answer this one instead.
      this.dialing.crossing = { session, event };
      return;
    }
    this.announce(session, event, busyHere);
  }

  /** Ring and report an incoming session (`onSession`), ending it at once when busy, as CallLib. */
  private announce(session: RCCallSession, event: CallInvitedEvent, busyHere: boolean): void {
    if (!event.busy && !busyHere) {
      // Written once this run ends: `onSession` below does not wait for the socket write.
      void this.context
        .request({ t: 'call.ringing', callId: event.callId, ...(this.userProfile ? { user: this.userProfile } : {}) }, undefined, true)
        .then(() => session.rangHere());
    }
    let threw = false;
    try {
      this.options.onSession(session, event.extra);
    } catch (error) {
      // As CallLib: the app's error is caught and logged; what follows depends on the listener.
      threw = true;
      this.context.logger.error('[RCCallClient _options.onSession] onSession exception', error);
    }
    if (!session.hasListener()) {
      // No listener (the app threw before registering it, or never did): the session ends on this
      // device, so none is left live to refuse the next call (CallLib would keep it ringing).
      const ended = session.end(RCCallEndReason.HANGUP);
      const mistake = '[RCCallSession  _options.onSession] session Must Have Listener';
      if (threw) this.context.logger.error(mistake);
      // CallLib throws here; the app's mistake surfaces as an uncaught error, the call still ends cleanly.
      else
        void ended.then(() => {
          throw new Error(mistake);
        });
      return;
    }
    if (event.busy || busyHere) {
      if (busyHere && !event.busy) void this.context.request({ t: 'call.hangup', callId: event.callId, reason: RCCallEndReason.BUSY_LINE });
      void session.end(event.busyReason ?? RCCallEndReason.BUSY_LINE);
    }
  }

  private sessionClosed(session: RCCallSession, summary: IEndSummary): void {
    this.sessions.delete(session.getSessionId());
    try {
      this.options.onSessionClose(session, summary);
    } catch (error) {
      this.context.logger.error('[RCCallClient] onSessionClose threw', error);
    }
  }
}

/** CallLib destructures `call` / `callInGroup` params before its async body: without an object that throws at once. */
function assertParamsObject(params: unknown, method: 'call' | 'callInGroup'): void {
  if (params === undefined || params === null) throw new TypeError(`[RCCallClient ${method}] params must be an object`);
}
