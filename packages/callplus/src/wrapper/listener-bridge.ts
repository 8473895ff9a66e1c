/**
 * Turns the app's wrapper listener into an engine (CallLib) listener: tracks are kept for
 * `playMedia` and reported as `(userId, mediaType, session)`, sessions are the wrapper's, and
 * `onRTCStateReport` (deprecated in the wrapper) is dropped.
 */
import type { RCCallSession as EngineSession, ISessionListener } from '@opencall/call';
import { wrapperMediaTypeOfTrack } from '../media-type-map.js';
import type { PlayableTrack } from '../media-views.js';
import type { IWrapperSessionListener } from './types.js';

export interface BridgeDeps<W> {
  /** The wrapper session of an engine session (one per engine session). */
  wrap(session: EngineSession): W;
  rememberTrack(track: PlayableTrack, callId: string | undefined): void;
  logger: { error(...args: unknown[]): void };
}

export function bridgeListener<W extends { getSessionId(): string }>(
  app: IWrapperSessionListener<W>,
  deps: BridgeDeps<W>,
): ISessionListener<EngineSession> {
  const call = <K extends keyof IWrapperSessionListener<W>>(name: K, ...args: unknown[]) => {
    const callback = app[name] as ((...a: unknown[]) => void) | undefined;
    if (typeof callback !== 'function') return;
    try {
      callback.apply(app, args);
    } catch (error) {
      deps.logger.error(`[RCCallSession] listener ${String(name)} threw`, error);
    }
  };
  const engineListener: ISessionListener<EngineSession> = {
    onRinging: (sender, s) => call('onRinging', sender, deps.wrap(s)),
    onAccept: (sender, s) => call('onAccept', sender, deps.wrap(s)),
    onHungup: (sender, reason, s) => call('onHungup', sender, reason, deps.wrap(s)),
    onMemberModify: (sender, invited, s) => call('onMemberModify', sender, invited, deps.wrap(s)),
    onMediaModify: (sender, mediaType, s) => call('onMediaModify', sender, mediaType, deps.wrap(s)),
    onTrackReady: (track, s) => {
      deps.rememberTrack(track, s?.getSessionId());
      const mediaType = wrapperMediaTypeOfTrack(track.isAudioTrack() ? 'audio' : 'video');
      call('onTrackReady', track.getUserId(), mediaType, s === undefined ? undefined : deps.wrap(s));
    },
    onAudioMuteChange: (muteUser, s) => call('onAudioMuteChange', muteUser, deps.wrap(s)),
    onVideoMuteChange: (muteUser, s) => call('onVideoMuteChange', muteUser, deps.wrap(s)),
    onICEConnectionStateChange: (state, s) => call('onICEConnectionStateChange', state, deps.wrap(s)),
    onPing: (result, s) => call('onPing', result, deps.wrap(s)),
    onTrackPublishFail: (code, s) => call('onTrackPublishFail', code, deps.wrap(s)),
    onTrackSubscribeFail: (code, s) => call('onTrackSubscribeFail', code, deps.wrap(s)),
  };
  return engineListener;
}
