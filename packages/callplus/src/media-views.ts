/**
 * What `setVideoView` / `playMedia` work on: the `<video>` element the app bound to each user, and
 * the latest audio and video track of each user (local ones included), as the call reported them.
 * Playing goes through `RCTrack.play`, so the RTC layer stays the only code touching media elements.
 */
import { RCRTCCode } from '@opencall/protocol';
import { RCCallPlusCode, type RCCallPlusMediaType } from './enums.js';
import { isCallPlusMediaType, kindsToPlay, type MediaKind } from './media-type-map.js';

/** The part of an RCTrack that playback needs. */
export interface PlayableTrack {
  getUserId(): string;
  isAudioTrack(): boolean;
  isLocalTrack(): boolean;
  play(element?: HTMLMediaElement): Promise<{ code: number }>;
}

/** One entry of `setVideoView([{ userId, videoElement }])` (`isTiny` is accepted and ignored: no simulcast layers). */
export interface IRCCallPlusVideoView {
  userId: string;
  videoElement: HTMLVideoElement;
  isTiny?: boolean;
}

export interface ViewLogger {
  warn(...args: unknown[]): void;
}

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isElement = (v: unknown): v is HTMLVideoElement => typeof v === 'object' && v !== null;

/** A reported track and the call it belongs to (none yet for the caller's own tracks while `call()` runs). */
interface OwnedTrack {
  track: PlayableTrack;
  callId: string | undefined;
}

export class MediaViews {
  private readonly views = new Map<string, HTMLVideoElement>();
  private readonly tracks = new Map<string, Partial<Record<MediaKind, OwnedTrack>>>();

  constructor(private readonly logger: ViewLogger) {}

  /** Binds each user to a video element (a later call for the same user replaces the binding). */
  setVideoView(list: unknown): { code: RCCallPlusCode } {
    if (!Array.isArray(list) || list.length === 0) {
      this.logger.warn('[RCCallPlusClient setVideoView] expects a non-empty array of { userId, videoElement }');
      return { code: RCCallPlusCode.PARAM_ERROR };
    }
    for (const view of list as unknown[]) {
      const entry = view as Partial<IRCCallPlusVideoView> | null;
      if (!entry || !isNonEmptyString(entry.userId) || !isElement(entry.videoElement)) {
        this.logger.warn('[RCCallPlusClient setVideoView] every entry needs a non-empty userId and a videoElement');
        return { code: RCCallPlusCode.PARAM_ERROR };
      }
    }
    for (const { userId, videoElement } of list as IRCCallPlusVideoView[]) this.views.set(userId, videoElement);
    return { code: RCCallPlusCode.SUCCESS };
  }

  /** Unbinds the users' elements (their video stops showing there). */
  removeVideoView(userIds: unknown): { code: RCCallPlusCode } {
    if (!Array.isArray(userIds) || !userIds.every(isNonEmptyString)) return { code: RCCallPlusCode.PARAM_ERROR };
    for (const userId of userIds) {
      const element = this.views.get(userId);
      this.views.delete(userId);
      if (element && 'srcObject' in element) element.srcObject = null;
    }
    return { code: RCCallPlusCode.SUCCESS };
  }

  /** A track call `callId` reported ready: the newest one of its user and kind is the one played. */
  remember(track: PlayableTrack, callId: string | undefined): void {
    const userId = track.getUserId();
    const kind: MediaKind = track.isAudioTrack() ? 'audio' : 'video';
    this.tracks.set(userId, { ...this.tracks.get(userId), [kind]: { track, callId } });
  }

  /** The call being placed got its id: the tracks reported without one are its own. */
  adoptPending(callId: string): void {
    for (const owned of this.owned()) if (owned.callId === undefined) owned.callId = callId;
  }

  /**
   * Call `callId` ended (or, with `undefined`, placing a call failed): its tracks are gone. Tracks of
   * other calls stay (a busy invite closes while the current call goes on), and so do the views.
   */
  forgetCall(callId: string | undefined): void {
    for (const [userId, byKind] of this.tracks) {
      for (const kind of ['audio', 'video'] as const) if (byKind[kind]?.callId === callId) delete byKind[kind];
      if (!byKind.audio && !byKind.video) this.tracks.delete(userId);
    }
  }

  private owned(): OwnedTrack[] {
    return [...this.tracks.values()].flatMap((byKind) => [byKind.audio, byKind.video].filter((o): o is OwnedTrack => o !== undefined));
  }

  /** Plays `userId`'s media of `mediaType`: video into the user's view, remote audio on its own element. */
  async play(userId: unknown, mediaType: unknown): Promise<{ code: RCCallPlusCode }> {
    if (!isNonEmptyString(userId)) return { code: RCCallPlusCode.USER_ID_INVALID };
    if (!isCallPlusMediaType(mediaType)) return { code: RCCallPlusCode.MEDIATYPE_INVALID };
    const kinds = kindsToPlay(mediaType as RCCallPlusMediaType);
    const owned = this.tracks.get(userId) ?? {};
    if (kinds.every((kind) => owned[kind] === undefined)) return { code: RCCallPlusCode.MEDIA_RESOURCE_INVALIED };
    for (const kind of kinds) {
      const track = owned[kind]?.track;
      if (!track) continue;
      const code = await this.playOne(userId, kind, track);
      if (code !== RCCallPlusCode.SUCCESS) return { code };
    }
    return { code: RCCallPlusCode.SUCCESS };
  }

  private async playOne(userId: string, kind: MediaKind, track: PlayableTrack): Promise<RCCallPlusCode> {
    // One's own microphone is never played back (it would echo).
    if (kind === 'audio' && track.isLocalTrack()) return RCCallPlusCode.SUCCESS;
    const element = kind === 'video' ? this.views.get(userId) : undefined;
    if (kind === 'video' && !element) {
      this.logger.warn(`[RCCallPlusClient playMedia] no video view for '${userId}': call setVideoView first`);
      return RCCallPlusCode.PLAY_MEDIA_FAILED;
    }
    const { code } = await track.play(element);
    return code === RCRTCCode.SUCCESS ? RCCallPlusCode.SUCCESS : RCCallPlusCode.PLAY_MEDIA_FAILED;
  }
}
