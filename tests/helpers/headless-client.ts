/**
 * A CallLib client running in Node: real IMLib over a real WebSocket, RCRTC with the fake media
 * transport, RCCall's headless installer. Records every callback in order, for assertions.
 */

import {
  headlessInstaller,
  type IEndSummary,
  type IOfflineRecord,
  type ISessionListener,
  type RCCallClient,
  type RCCallSession,
} from '@opencall/call';
import { createIMLib, Events, type PluginContext, type RongIMLibClient, type WebSocketConstructor } from '@opencall/imlib';
import { createRTCInstaller } from '@opencall/rtc';
import { WebSocket } from 'ws';

export interface RecordedCallback {
  name: string;
  sessionId: string | undefined;
  args: unknown[];
}

export interface HeadlessClient {
  userId: string;
  im: RongIMLibClient;
  client: RCCallClient;
  callbacks: RecordedCallback[];
  sessions: RCCallSession[];
  closes: { session: RCCallSession; summary: IEndSummary }[];
  /** A listener that records into `callbacks`. */
  listener(): ISessionListener<RCCallSession>;
  /** Resolves with the first recorded callback matching, or rejects after `timeoutMs`. */
  waitFor(name: string, match?: (c: RecordedCallback) => boolean, timeoutMs?: number): Promise<RecordedCallback>;
  waitForClose(sessionId?: string, timeoutMs?: number): Promise<{ session: RCCallSession; summary: IEndSummary }>;
  disconnect(): Promise<void>;
  /** WebSocket URL of the server (of `url`) that answered last. */
  currentServer(): string | undefined;
  /** How many times IMLib reported `CONNECTED` so far (the first connect included). */
  connections(): number;
}

export interface HeadlessOptions {
  onOfflineRecord?: (record: IOfflineRecord) => void;
  /** RCRTC installer options (e.g. `statsReportInterval`). */
  rtcOptions?: Record<string, unknown>;
  /** Runs first in `onSession` (before the listener is registered); what it throws escapes `onSession`. */
  beforeOnSession?: (session: RCCallSession) => void;
  /** Runs last in `onSession` (after the listener is registered and the session recorded). */
  afterOnSession?: (session: RCCallSession) => void;
  /** Record `onRTCStateReport` too (off by default: it comes every second). */
  recordStateReports?: boolean;
}

/** `url`: one server, or several (`navigators`, tried in order and rotated through on failure). */
export async function connectHeadless(
  url: string | readonly string[],
  appKey: string,
  userId: string,
  token: string,
  deviceId = `${userId}-dev1`,
  options: HeadlessOptions = {},
): Promise<HeadlessClient> {
  const im = createIMLib({ WebSocket: WebSocket as unknown as WebSocketConstructor, deviceId, runtimeTag: 'node' });
  im.init({ appkey: appKey, navigators: typeof url === 'string' ? [url] : [...url], logOutputLevel: 1 });
  let context: PluginContext | undefined;
  let connections = 0;
  im.addEventListener(Events.CONNECTED, () => {
    connections += 1;
  });
  im.installPlugin({ tag: 'probe', verify: () => true, setup: (ctx: PluginContext) => (context = ctx) }, {});
  const rtcClient = im.installPlugin(createRTCInstaller({ transport: 'fake' }), options.rtcOptions ?? {});
  if (!rtcClient) throw new Error('RCRTC refused the node runtime');
  const callbacks: RecordedCallback[] = [];
  const sessions: RCCallSession[] = [];
  const closes: { session: RCCallSession; summary: IEndSummary }[] = [];

  const record =
    (name: string) =>
    (...args: unknown[]) => {
      const session = args.find((a): a is RCCallSession => typeof a === 'object' && a !== null && 'getSessionId' in a);
      callbacks.push({ name, sessionId: session?.getSessionId(), args });
    };
  const listener = (): ISessionListener<RCCallSession> => ({
    onRinging: record('onRinging'),
    onAccept: record('onAccept'),
    onHungup: record('onHungup'),
    onTrackReady: record('onTrackReady'),
    onMemberModify: record('onMemberModify'),
    onMediaModify: record('onMediaModify'),
    onAudioMuteChange: record('onAudioMuteChange'),
    onVideoMuteChange: record('onVideoMuteChange'),
    ...(options.recordStateReports ? { onRTCStateReport: record('onRTCStateReport') } : {}),
  });

  const client = im.installPlugin(headlessInstaller, {
    rtcClient,
    ...(options.onOfflineRecord ? { onOfflineRecord: options.onOfflineRecord } : {}),
    onSession(session: RCCallSession) {
      options.beforeOnSession?.(session);
      session.registerSessionListener(listener());
      sessions.push(session);
      callbacks.push({ name: 'onSession', sessionId: session.getSessionId(), args: [session] });
      options.afterOnSession?.(session);
    },
    onSessionClose(session: RCCallSession, summary?: IEndSummary) {
      closes.push({ session, summary: summary! });
      callbacks.push({ name: 'onSessionClose', sessionId: session.getSessionId(), args: [session, summary] });
    },
  });
  if (!client) throw new Error('RCCall refused the node runtime');
  const result = await im.connect(token);
  if (result.code !== 0) throw new Error(`connect failed for ${userId}: ${result.code}`);

  async function poll<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${userId}: timed out waiting for ${what}; got ${callbacks.map((c) => c.name).join(', ')}`);
  }

  return {
    userId,
    im,
    client,
    callbacks,
    sessions,
    closes,
    listener,
    waitFor: (name, match = () => true, timeoutMs = 5000) =>
      poll(() => callbacks.find((c) => c.name === name && match(c)), name, timeoutMs),
    waitForClose: (sessionId, timeoutMs = 5000) =>
      poll(() => closes.find((c) => sessionId === undefined || c.session.getSessionId() === sessionId), 'onSessionClose', timeoutMs),
    disconnect: () => im.disconnect(),
    currentServer: () => context?.getCurrentServer(),
    connections: () => connections,
  };
}
