/**
 * A lean headless CallLib client for load: real IMLib over `ws`, RCRTC with the fake media
 * transport, RCCall's headless installer — the SDK as an app uses it, without test recording.
 * Every callback is routed to the current `hooks`, so a scenario can time them.
 */
import { headlessInstaller, type IEndSummary, type ISessionListener, type RCCallClient, type RCCallSession } from '@opencall/call';
import { createIMLib, type PluginContext, type RongIMLibClient, type WebSocketConstructor } from '@opencall/imlib';
import { createRTCInstaller } from '@opencall/rtc';
import { WebSocket } from 'ws';

export interface ClientHooks {
  onSession?(session: RCCallSession): void;
  onRinging?(session: RCCallSession): void;
  onAccept?(session: RCCallSession): void;
  onSessionClose?(session: RCCallSession, summary?: IEndSummary): void;
}

export interface BenchClient {
  userId: string;
  im: RongIMLibClient;
  client: RCCallClient;
  hooks: ClientHooks;
  listener: ISessionListener<RCCallSession>;
  /** IMLib's plugin port, for raw requests a scenario times (e.g. a probe of a call's owner). */
  context: PluginContext;
}

const noop = () => undefined;

/** A plugin that only hands out IMLib's context. */
const contextProbe = { tag: 'bench-context', verify: () => true, setup: (context: PluginContext) => context };

/** Connects one client; `url` may be several servers (`navigators`, tried in order, the next one first on a drop). */
export async function connectBenchClient(url: string | string[], appKey: string, userId: string, token: string): Promise<BenchClient> {
  const im = createIMLib({ WebSocket: WebSocket as unknown as WebSocketConstructor, deviceId: `${userId}-d`, runtimeTag: 'node' });
  im.init({ appkey: appKey, navigators: Array.isArray(url) ? url : [url], logOutputLevel: 1 });
  const context = im.installPlugin(contextProbe, {}) as PluginContext;
  const rtcClient = im.installPlugin(createRTCInstaller({ transport: 'fake' }), {});
  if (!rtcClient) throw new Error('RCRTC refused the node runtime');
  const hooks: ClientHooks = {};
  const listener: ISessionListener<RCCallSession> = {
    onRinging: (_sender, session) => hooks.onRinging?.(session),
    onAccept: (_sender, session) => hooks.onAccept?.(session),
    onHungup: noop,
    onTrackReady: noop,
    onMemberModify: noop,
    onMediaModify: noop,
    onAudioMuteChange: noop,
    onVideoMuteChange: noop,
  };
  const client = im.installPlugin(headlessInstaller, {
    rtcClient,
    logOutputLevel: 1,
    onSession(session: RCCallSession) {
      session.registerSessionListener(listener);
      hooks.onSession?.(session);
    },
    onSessionClose: (session: RCCallSession, summary?: IEndSummary) => hooks.onSessionClose?.(session, summary),
  });
  if (!client) throw new Error('RCCall refused the node runtime');
  const result = await im.connect(token);
  if (result.code !== 0) throw new Error(`connect failed for ${userId}: ${result.code}`);
  return { userId, im, client, hooks, listener, context };
}
