/**
 * RCCallKit: ready-made call screens for the web, built on the public CallLib Web 5.x API
 * (IIFE global `RCCallKit`, npm `@opencall/callkit`).
 *
 *   const kit = RCCallKit.createCallKit({ lang: 'zh-CN' });          // reads RCCall / RCRTC / RongIMLib globals
 *   const callClient = RongIMLib.installPlugin(RCCall.installer, { rtcClient, ...kit.installOptions() });
 *   kit.attach(callClient, myUserId);
 *   kit.call('bob');                                                   // or kit.callGroup(groupId, userIds)
 */
import { CallKitController, type CallKitOptions, type UserInfo } from './controller.js';
import { CALLKIT_TAG, CallKitElement, defineCallKitElement } from './element.js';
import { type CallKitSdk, sdkFromGlobals } from './sdk.js';
import type { CallKitLang } from './texts.js';

export { pickActiveSpeaker } from './active-speaker.js';
export type { CallModel, ParticipantView } from './call-model.js';
export { END_REASONS_EN, END_REASONS_ZH_CN, type EndReasonName } from './end-reasons.js';
export { ownerOfTrack, type Quality, qualityByUser, qualityOf } from './quality.js';
export { CALLKIT_CSS_VARIABLES } from './styles.js';
export { type CallKitLang, type CallKitTexts, endReasonText, formatDuration, TEXTS } from './texts.js';
export { TONE_PATTERNS, TonePlayer } from './tones.js';
export type { CallKitOptions, CallKitSdk, UserInfo };
export { CALLKIT_TAG, CallKitController, CallKitElement, defineCallKitElement };

export const VERSION = '0.1.0';

export interface CreateCallKitOptions extends Omit<CallKitOptions, 'sdk'> {
  /** The SDK modules (default: the page's `RCCall`, `RCRTC`, `RongIMLib` globals). */
  sdk?: CallKitSdk;
  /** The element to show calls in (default: a new `<opencall-callkit>` appended to `document.body`). */
  element?: CallKitElement;
  /** `en` (default) or `zh-CN`. */
  lang?: CallKitLang;
}

/** A controller bound to an `<opencall-callkit>` element. */
export function createCallKit(options: CreateCallKitOptions = {}): CallKitController & { element: CallKitElement } {
  defineCallKitElement();
  const { element: given, lang, sdk, ...rest } = options;
  const controller = new CallKitController({ ...rest, sdk: sdk ?? sdkFromGlobals() });
  const element = given ?? (document.createElement(CALLKIT_TAG) as CallKitElement);
  if (lang) element.setAttribute('lang', lang);
  if (!element.isConnected) document.body.append(element);
  element.bind(controller);
  return Object.assign(controller, { element });
}
