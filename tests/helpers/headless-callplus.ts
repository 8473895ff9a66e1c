/**
 * A CallPlus client running in Node, as the headless CallLib client does: real IMLib over a real
 * WebSocket, RCRTC with the fake media transport, CallPlus's headless installer and (optionally) the
 * CallLib-style wrapper on it. Records every callback in order, for assertions.
 */
import { headlessInstaller as callPlusInstaller, type IRCCallPlusEventListener, type RCCallPlusClient } from '@opencall/callplus';
import {
  type IEndSummary,
  type IWrapperSessionListener,
  type RCCallClient as WrapperClient,
  type RCCallSession as WrapperSession,
  installer as wrapperInstaller,
} from '@opencall/callplus/wrapper';
import { createIMLib, type RongIMLibClient, type WebSocketConstructor } from '@opencall/imlib';
import { createRTCInstaller } from '@opencall/rtc';
import { WebSocket } from 'ws';
import type { ServerProcess } from './server-process.js';

export interface Recorded {
  name: string;
  args: unknown[];
}

export interface HeadlessCallPlus {
  userId: string;
  im: RongIMLibClient;
  callPlus: RCCallPlusClient;
  /** Present when connected with `{ wrapper: true }`. */
  wrapper: WrapperClient | undefined;
  callbacks: Recorded[];
  sessions: WrapperSession[];
  /** A wrapper listener that records into `callbacks`. */
  listener(): IWrapperSessionListener<WrapperSession>;
  waitFor(name: string, match?: (c: Recorded) => boolean, timeoutMs?: number): Promise<Recorded>;
  disconnect(): Promise<void>;
}

export async function connectHeadlessCallPlus(
  server: ServerProcess,
  userId: string,
  options: { wrapper: boolean },
): Promise<HeadlessCallPlus> {
  const im = createIMLib({ WebSocket: WebSocket as unknown as WebSocketConstructor, deviceId: `${userId}-dev1`, runtimeTag: 'node' });
  im.init({ appkey: server.appKey, navigators: [server.url], logOutputLevel: 1 });
  const rtcClient = im.installPlugin(createRTCInstaller({ transport: 'fake' }), {});
  if (!rtcClient) throw new Error('RCRTC refused the node runtime');
  const callPlus = im.installPlugin(callPlusInstaller, { rtcClient });
  if (!callPlus) throw new Error('CallPlus refused the node runtime');
  const callbacks: Recorded[] = [];
  const sessions: WrapperSession[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void callbacks.push({ name, args });
  const listener = (): IWrapperSessionListener<WrapperSession> => ({
    onRinging: record('onRinging'),
    onAccept: record('onAccept'),
    onHungup: record('onHungup'),
    onTrackReady: record('onTrackReady'),
    onMemberModify: record('onMemberModify'),
    onMediaModify: record('onMediaModify'),
  });

  let wrapper: WrapperClient | undefined;
  if (options.wrapper) {
    wrapper =
      im.installPlugin(wrapperInstaller, {
        callPlusClient: callPlus,
        onSession(session: WrapperSession, extra?: string) {
          session.registerSessionListener(listener());
          sessions.push(session);
          callbacks.push({ name: 'onSession', args: [session, extra] });
        },
        onSessionClose(session: WrapperSession, summary?: IEndSummary) {
          callbacks.push({ name: 'onSessionClose', args: [session, summary] });
        },
      }) ?? undefined;
  } else {
    const names: (keyof IRCCallPlusEventListener)[] = [
      'onReceivedCall',
      'onCallConnected',
      'onCallEnded',
      'onUserMediaAvailable',
      'onReceivedCallStart',
    ];
    callPlus.setCallPlusEventListener(Object.fromEntries(names.map((n) => [n, record(n)])));
  }
  const result = await im.connect(await server.getToken(userId));
  if (result.code !== 0) throw new Error(`connect failed for ${userId}: ${result.code}`);

  async function waitFor(name: string, match: (c: Recorded) => boolean = () => true, timeoutMs = 5000): Promise<Recorded> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = callbacks.find((c) => c.name === name && match(c));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${userId}: timed out waiting for ${name}; got ${callbacks.map((c) => c.name).join(', ')}`);
  }

  return { userId, im, callPlus, wrapper, callbacks, sessions, listener, waitFor, disconnect: () => im.disconnect() };
}
