/** `RCRTC.installer` and `createRTCInstaller` (Node tests, headless clients). */
import type { PluginContext, PluginInstaller, PluginRuntime } from '@opencall/imlib';
import { RCRTCClient } from './client/rc-rtc-client.js';
import { createRtcLogger } from './logger.js';
import { FakeMediaCapture } from './media/fake-media.js';
import { BrowserMediaCapture, type MediaCapture } from './media/media-capture.js';
import { resolveRtcOptions } from './options.js';
import { FakeTransport } from './transport/fake/fake-transport.js';
import type { TransportDeps, TransportFactory } from './transport/media-transport.js';
import { ModeSelectingTransport } from './transport/mode-selecting-transport.js';
import type { IRCRTCInitOptions } from './types.js';

export const RTC_VERSION = '5.4.1-opencall';

export interface RTCInstallerOverrides {
  /** `p2p` (default): real WebRTC. `fake`: no media, same server signaling (Node). */
  transport?: 'p2p' | 'fake';
  /** Where local media comes from (default: the browser; with `fake` transport: fake tracks). */
  capture?: MediaCapture;
  /** WebRTC classes to use instead of the globals (Node: `@roamhq/wrtc`; see `@opencall/rtc/node`). */
  webrtc?: WebRtcClasses;
}

/** The WebRTC constructors the real transports need. */
export interface WebRtcClasses {
  RTCPeerConnection: new (config?: RTCConfiguration) => RTCPeerConnection;
  MediaStream: new () => MediaStream;
}

/**
 * OpenCall extension option `iceTransportPolicy: 'all' | 'relay'` (default `all`): `relay` makes
 * every PeerConnection use TURN relays only (to test a TURN setup).
 */
function iceTransportPolicyOf(options: unknown): RTCIceTransportPolicy | undefined {
  const value = (options as { iceTransportPolicy?: unknown } | undefined)?.iceTransportPolicy;
  if (value === undefined) return undefined;
  if (value !== 'all' && value !== 'relay') throw new Error('[RCRTC] bad iceTransportPolicy');
  return value;
}

/** The fake transport and capture (signaling only): only `createRTCInstaller` refers to them, so RCRTC.js leaves them out. */
interface FakeMedia {
  transport: TransportFactory;
  capture(): MediaCapture;
}

function build(
  overrides: RTCInstallerOverrides,
  runtimes: ReadonlyArray<PluginRuntime['tag']>,
  fake?: FakeMedia,
): PluginInstaller<RCRTCClient, IRCRTCInitOptions> {
  const kind = fake ? 'fake' : 'p2p';
  return {
    tag: 'RCRTC',
    version: RTC_VERSION,
    name: 'RCRTC',
    verify: (runtime: PluginRuntime) => runtimes.includes(runtime?.tag),
    setup(context: PluginContext, _runtime: PluginRuntime, options: IRCRTCInitOptions): RCRTCClient {
      const resolved = resolveRtcOptions(options);
      const logger = createRtcLogger(context.logger, resolved.logLevel, resolved.logStdout);
      logger.info(`RCRTC ${RTC_VERSION} (${kind} transport)`);
      const iceTransportPolicy = iceTransportPolicyOf(options);
      const webrtc = overrides.webrtc;
      const injected = webrtc && {
        createPeerConnection: (config: RTCConfiguration) =>
          new webrtc.RTCPeerConnection(iceTransportPolicy ? { ...config, iceTransportPolicy } : config),
        createMediaStream: () => new webrtc.MediaStream(),
      };
      const transportFactory: TransportFactory =
        fake?.transport ?? ((deps) => new ModeSelectingTransport(deps, { iceTransportPolicy, ...injected }));
      const capture = overrides.capture ?? fake?.capture() ?? new BrowserMediaCapture();
      return new RCRTCClient(context, resolved, { transportFactory, capture, logger });
    },
  };
}

/** The browser installer: `RongIMLib.installPlugin(RCRTC.installer, options)`. */
export const installer: PluginInstaller<RCRTCClient, IRCRTCInitOptions> = build({}, ['browser']);

/** An installer with a chosen transport and capture; it also installs in Node. Not in RCRTC.js (see browser.ts). */
export function createRTCInstaller(overrides: RTCInstallerOverrides = {}): PluginInstaller<RCRTCClient, IRCRTCInitOptions> {
  const kind = overrides.transport ?? 'p2p';
  if (kind !== 'p2p' && kind !== 'fake') throw new Error(`[RCRTC] unknown transport: ${String(kind)}`);
  const fake =
    kind === 'fake' ? { transport: (deps: TransportDeps) => new FakeTransport(deps), capture: () => new FakeMediaCapture() } : undefined;
  return build(overrides, ['browser', 'node'], fake);
}
