/**
 * OpenCall RTC: a drop-in for RongCloud RTCLib 5 (`@rongcloud/plugin-rtc`, CDN global `RCRTC`).
 * Every export is top level, so the IIFE build exposes `RCRTC.installer`, `RCRTC.RCResolution`…
 * RCRTC.js is built from browser.ts (all of this but the Node helpers below).
 */
export * from './browser.js';
export { createRTCInstaller, type RTCInstallerOverrides } from './installer.js';
export { FakeMediaCapture, type FakeMediaCaptureOptions, FakeMediaTrack } from './media/fake-media.js';
