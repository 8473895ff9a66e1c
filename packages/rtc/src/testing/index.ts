/**
 * `@opencall/rtc/testing`: the WebRTC test kit, for unit tests of the transports and of what is built
 * on RCRTC (the call library), in Node without a browser or root. Never part of the SDK bundles.
 */
export { FakeMediaCapture, FakeMediaTrack } from '../media/fake-media.js';
export { createFakeMediaStream, FakeMediaStream } from './fake-media-stream.js';
export { FakeNetworkScript, FakePeerConnection, FakeSender, fakePeerConnections } from './fake-peer-connection.js';
export { type FakeMediaSection, type FakeSessionDescription, readFakeSdp, writeFakeSdp } from './fake-sdp-media.js';
export { MemoryRtcRelay, waitFor } from './memory-rtc-relay.js';
export { MemorySfu } from './memory-sfu.js';
export { recordTransportEvents } from './transport-event-log.js';
