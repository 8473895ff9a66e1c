/** Argument checks with the original's behaviour: bad arguments throw, with CallLib's messages. */
import { LogLevel, RCCallLanguage, RCCallMediaType, RCFrameRate, RCResolution, RTCJoinType } from '@opencall/protocol';
import type { ICallConstraints, IRCCallInitOptions, ISessionListener } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const valuesOf = (e: object): unknown[] => Object.values(e);

/** The listener callbacks CallLib checks (onAudioMuteChange / onVideoMuteChange are not checked). */
export const REQUIRED_LISTENER_KEYS = ['onRinging', 'onAccept', 'onHungup', 'onMemberModify', 'onMediaModify', 'onTrackReady'] as const;

/** Why the installer options are invalid, or undefined when they are fine. */
export function installerOptionsProblem(options: unknown): string | undefined {
  if (!isObject(options)) return 'options must be an object';
  if (!('rtcClient' in options) || !isObject(options.rtcClient)) return "'rtcClient' is required and must be an object";
  if (typeof options.onSession !== 'function') return "'onSession' is required and must be a function";
  if (typeof options.onSessionClose !== 'function') return "'onSessionClose' is required and must be a function";
  if (options.onOfflineRecord !== undefined && typeof options.onOfflineRecord !== 'function') return "'onOfflineRecord' must be a function";
  for (const key of ['isAllowSubscribeRetry', 'isAllowPublishRetry', 'isOffCameraWhenVideoDisable', 'isAllowDemotionGetStream']) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') return `'${key}' must be a boolean`;
  }
  if (options.joinType !== undefined && !valuesOf(RTCJoinType).includes(options.joinType)) return "'joinType' must be an RTCJoinType";
  if (options.lang !== undefined && !valuesOf(RCCallLanguage).includes(options.lang)) return "'lang' must be an RCCallLanguage";
  if (options.logLevel !== undefined && !valuesOf(LogLevel).includes(options.logLevel)) return "'logLevel' must be a LogLevel";
  if (options.logStdout !== undefined && typeof options.logStdout !== 'function') return "'logStdout' must be a function";
  if (options.logOutputLevel !== undefined && ![1, 2, 3, 4].includes(options.logOutputLevel as number))
    return "'logOutputLevel' must be an EnableLogL (1-4)";
  return undefined;
}

export function assertInstallerOptions(options: unknown): asserts options is IRCCallInitOptions {
  const problem = installerOptionsProblem(options);
  if (problem) throw new Error(`[RCCallLib installer steup]${problem}`);
}

/** Throws like `registerSessionListener` when required callbacks are missing. */
export function assertListener(listener: unknown, where = 'RCCallSession registerSessionListener'): asserts listener is ISessionListener {
  if (!isObject(listener)) throw new Error(`[${where}] missing parameter -> "listener"`);
  const missing = REQUIRED_LISTENER_KEYS.filter((key) => typeof listener[key] !== 'function');
  if (missing.length > 0) throw new Error(`[${where}] missing parameter -> "${missing.join(',')}"`);
}

export function assertConstraints(constraints: unknown, where: string): asserts constraints is ICallConstraints | undefined {
  if (constraints === undefined) return;
  if (!isObject(constraints)) throw new Error(`[${where}] 'constraints' must be an object`);
  const { audio, video } = constraints;
  if (audio !== undefined) {
    if (!isObject(audio)) throw new Error(`[${where}] 'constraints.audio' must be an object`);
    if (audio.micphoneId !== undefined && typeof audio.micphoneId !== 'string')
      throw new Error(`[${where}] 'constraints.audio.micphoneId' must be a string`);
    if (audio.sampleRate !== undefined && (typeof audio.sampleRate !== 'number' || audio.sampleRate <= 0)) {
      throw new Error(`[${where}] 'constraints.audio.sampleRate' must be a positive number`);
    }
  }
  if (video !== undefined) {
    if (!isObject(video)) throw new Error(`[${where}] 'constraints.video' must be an object`);
    if (!valuesOf(RCFrameRate).includes(video.frameRate))
      throw new Error(`[${where}] 'constraints.video.frameRate' must be an RCFrameRate`);
    if (!valuesOf(RCResolution).includes(video.resolution))
      throw new Error(`[${where}] 'constraints.video.resolution' must be an RCResolution`);
    if (video.cameraId !== undefined && typeof video.cameraId !== 'string')
      throw new Error(`[${where}] 'constraints.video.cameraId' must be a string`);
  }
}

export function assertCallParams(params: unknown, where: string, group: boolean): void {
  if (!isObject(params)) throw new Error(`[${where}] params must be an object`);
  if (!isNonEmptyString(params.targetId)) throw new Error(`[${where}] 'targetId' must be a non-empty string`);
  if (params.mediaType !== undefined && !valuesOf(RCCallMediaType).includes(params.mediaType)) {
    throw new Error(`[${where}] 'mediaType' must be RCCallMediaType.AUDIO (1) or AUDIO_VIDEO (2)`);
  }
  assertListener(params.listener, where);
  assertConstraints(params.constraints, where);
  for (const key of ['channelId', 'extra', 'pushTitle', 'pushContent']) {
    if (params[key] !== undefined && typeof params[key] !== 'string') throw new Error(`[${where}] '${key}' must be a string`);
  }
  if (group) assertUserIds(params.userIds, where);
}

export function assertUserId(userId: unknown, where: string): asserts userId is string {
  if (!isNonEmptyString(userId)) throw new Error(`[${where}] 'userId' must be a non-empty string`);
}

export function assertUserIds(userIds: unknown, where: string): asserts userIds is string[] {
  if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every(isNonEmptyString)) {
    throw new Error(`[${where}] 'userIds' must be a non-empty array of non-empty strings`);
  }
}
