/** Argument checks of the wrapper: bad arguments throw, with CallLib-style messages. */
import { RCCallLanguage, RTCJoinType } from '@opencall/protocol';
import { hasWrapperPort } from '../wrapper-port.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The listener callbacks the wrapper requires (CallLib's list). */
export const WRAPPER_LISTENER_KEYS = ['onRinging', 'onAccept', 'onHungup', 'onMemberModify', 'onMediaModify', 'onTrackReady'] as const;

export function wrapperOptionsProblem(options: unknown): string | undefined {
  if (!isObject(options)) return 'options must be an object';
  if (!hasWrapperPort(options.callPlusClient))
    return "'callPlusClient' is required: installPlugin(CallPlus.installer, { rtcClient }) (load CallPlus.js before CallPlusWrapper.js)";
  if (typeof options.onSession !== 'function') return "'onSession' is required and must be a function";
  if (typeof options.onSessionClose !== 'function') return "'onSessionClose' is required and must be a function";
  // CallLib's installer options still configure the call engine (see WRAPPER_CALL_OPTION_KEYS).
  for (const key of ['isAllowSubscribeRetry', 'isAllowPublishRetry', 'isOffCameraWhenVideoDisable', 'isAllowDemotionGetStream']) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') return `'${key}' must be a boolean`;
  }
  if (options.joinType !== undefined && !Object.values(RTCJoinType).includes(options.joinType as RTCJoinType))
    return "'joinType' must be an RTCJoinType";
  if (options.lang !== undefined && !Object.values(RCCallLanguage).includes(options.lang as RCCallLanguage))
    return "'lang' must be an RCCallLanguage";
  if (options.onOfflineRecord !== undefined && typeof options.onOfflineRecord !== 'function') return "'onOfflineRecord' must be a function";
  return undefined;
}

export function assertWrapperListener(listener: unknown, where: string): void {
  if (!isObject(listener)) throw new Error(`[${where}] missing parameter -> "listener"`);
  const missing = WRAPPER_LISTENER_KEYS.filter((key) => typeof listener[key] !== 'function');
  if (missing.length > 0) throw new Error(`[${where}] missing parameter -> "${missing.join(',')}"`);
}
