/**
 * `@opencall/rtc/node`: RCRTC in Node with real WebRTC from `@roamhq/wrtc` (headless bots, load
 * tests). Not part of the browser bundle. The wrtc module is passed in, so this package does not
 * depend on it:
 *
 *   import wrtc from '@roamhq/wrtc';
 *   im.installPlugin(createWrtcInstaller(wrtc, { video: { frameRate: 10 } }), {});
 */
import type * as wrtcModule from '@roamhq/wrtc';
import { createRTCInstaller, type WebRtcClasses } from '../installer.js';
import { withImplicitDescription } from './implicit-description.js';
import { WrtcCapture, type WrtcCaptureOptions } from './wrtc-capture.js';

export { withImplicitDescription } from './implicit-description.js';
export {
  type SyntheticAudioOptions,
  type SyntheticVideoOptions,
  startSyntheticAudio,
  startSyntheticVideo,
  type WrtcNonstandard,
} from './synthetic-sources.js';
export { WrtcCapture, type WrtcCaptureOptions } from './wrtc-capture.js';

/** What is used of the `@roamhq/wrtc` module. */
export type Wrtc = Pick<typeof wrtcModule, 'RTCPeerConnection' | 'MediaStream' | 'nonstandard'>;

/** wrtc's constructors for the installer's `webrtc` override (its RTCPeerConnection made to accept the implicit `setLocalDescription()`). */
export function wrtcClasses(wrtc: Wrtc): WebRtcClasses {
  return {
    RTCPeerConnection: withImplicitDescription(wrtc.RTCPeerConnection),
    MediaStream: wrtc.MediaStream as unknown as new () => MediaStream,
  };
}

/** An RCRTC installer (for `node` runtimes too) with the real P2P/SFU transports over wrtc and synthetic capture. */
export function createWrtcInstaller(wrtc: Wrtc, capture: WrtcCaptureOptions = {}) {
  return createRTCInstaller({ transport: 'p2p', webrtc: wrtcClasses(wrtc), capture: new WrtcCapture(wrtc.nonstandard, capture) });
}
