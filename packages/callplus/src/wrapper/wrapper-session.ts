/**
 * The wrapper's `RCCallSession`: CallLib's session API over the engine session, with the wrapper's
 * listener shape. Every call is delegated; nothing is stored here but the engine session.
 */
import type { RCCallSession as EngineSession, ICallConstraints, IUserData } from '@opencall/call';
import type { ConversationType, RCCallErrorCode, RCCallMediaType, RCCallSessionState, RCCallUserState } from '@opencall/protocol';
import type { PlayableTrack } from '../media-views.js';
import { bridgeListener } from './listener-bridge.js';
import type { IWrapperSessionListener } from './types.js';
import { assertWrapperListener } from './validate.js';

type Code = Promise<{ code: RCCallErrorCode }>;

export interface WrapperSessionHost {
  wrap(session: EngineSession): RCCallSession;
  rememberTrack(track: PlayableTrack, callId: string | undefined): void;
  logger: { error(...args: unknown[]): void };
}

export class RCCallSession {
  /** @internal */
  constructor(
    private readonly engine: EngineSession,
    private readonly host: WrapperSessionHost,
  ) {}

  registerSessionListener(listener: IWrapperSessionListener<RCCallSession>): void {
    assertWrapperListener(listener, 'RCCallSession registerSessionListener');
    this.engine.registerSessionListener(bridgeListener(listener, this.host));
  }

  getSessionId(): string {
    return this.engine.getSessionId();
  }
  getRTCSessionId(): string {
    return this.engine.getRTCSessionId();
  }
  getTargetId(): string {
    return this.engine.getTargetId();
  }
  getConversationType(): ConversationType {
    return this.engine.getConversationType();
  }
  getChannelId(): string {
    return this.engine.getChannelId();
  }
  getCallerId(): string {
    return this.engine.getCallerId();
  }
  getMediaType(): RCCallMediaType {
    return this.engine.getMediaType();
  }
  getState(): RCCallSessionState {
    return this.engine.getState();
  }
  getUserState(userId: string): RCCallUserState | undefined {
    return this.engine.getUserState(userId);
  }
  getRemoteUsers(): IUserData[] {
    return this.engine.getRemoteUsers();
  }

  accept(constraints?: ICallConstraints): Code {
    return this.engine.accept(constraints);
  }
  hungup(): Code {
    return this.engine.hungup();
  }
  invite(userIds: string[], options?: { extra?: string; pushTitle?: string; pushContent?: string }): Code {
    return this.engine.invite(userIds, options);
  }
  descendAbility(): Code {
    return this.engine.descendAbility();
  }
  disableAudioTrack(): Code {
    return this.engine.disableAudioTrack();
  }
  enableAudioTrack(): Code {
    return this.engine.enableAudioTrack();
  }
  disableVideoTrack(): Code {
    return this.engine.disableVideoTrack();
  }
  enableVideoTrack(): Code {
    return this.engine.enableVideoTrack();
  }
  changeAudioDevice(audioConstraints?: ICallConstraints['audio']): Code {
    return this.engine.changeAudioDevice(audioConstraints);
  }
  changeVideoDevice(videoConstraints?: ICallConstraints['video']): Code {
    return this.engine.changeVideoDevice(videoConstraints);
  }
}
