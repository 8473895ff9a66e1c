// biome-ignore-all lint/suspicious/noExplicitAny: the driver runs in the page against the untyped SDK globals
/**
 * A group-call driver for one user's page (`window.__group`), beside the 1:1 page agent: it installs
 * the SDK itself (so RCRTC installer options such as `iceTransportPolicy` can be passed), calls with
 * `callInGroup`, and logs through `window.__e2e.record` and plays into the agent's
 * `video[data-e2e-video="remote-<userId>"]` slots, so `SdkUser.waitFor` / `waitForRemoteFrames` work.
 */
import type { ServerProcess } from '../../helpers/server-process.js';
import { ensureSdkLoaded, type UserPage } from './chromium.js';
import type { E2eEnv } from './e2e-env.js';
import { SdkUser } from './sdk-user.js';

/** Low capture settings: several Chromium contexts share 2 cores. */
export const LOW_VIDEO = { video: { resolution: 'W320_H240', frameRate: 'FPS_15' } } as const;

export interface GroupUserOptions {
  /** Extra RCRTC installer options (e.g. `{ iceTransportPolicy: 'relay' }`). */
  rtcOptions?: Record<string, unknown>;
}

declare global {
  interface Window {
    __group: {
      connect(o: { appKey: string; token: string; navigators: string[]; rtcOptions: Record<string, unknown> }): Promise<{ code: number }>;
      callInGroup(o: { groupId: string; userIds: string[]; mediaType: number }): Promise<{ code: number; callId: string | null }>;
      call(o: { targetId: string; mediaType: number }): Promise<{ code: number; callId: string | null }>;
      accept(): Promise<{ code: number }>;
      hangup(): Promise<{ code: number }>;
    };
  }
}

function installGroupDriver(low: typeof LOW_VIDEO): void {
  const w = window as unknown as Record<string, any>;
  const record = (name: string, detail: object) => w.__e2e.record(name, detail);
  let client: any;
  let session: any;
  // The page agent's slot, smaller: several group pages share the machine.
  const slot = (name: string): HTMLVideoElement => w.__e2e.videoSlot(name, 80, 60);
  const id = (s: any) => s?.getSessionId?.() ?? null;
  const listener = {
    onRinging: (sender: any, s: any) => record('onRinging', { sender: sender.userId, callId: id(s) }),
    onAccept: (sender: any, s: any) => record('onAccept', { sender: sender.userId, callId: id(s) }),
    onHungup: (sender: any, reason: number, s: any) => record('onHungup', { sender: sender.userId, reason, callId: id(s) }),
    onMemberModify: (sender: any, invited: any[], s: any) =>
      record('onMemberModify', { sender: sender.userId, invited: invited.length, callId: id(s) }),
    onMediaModify: (sender: any, mediaType: number, s: any) => record('onMediaModify', { sender: sender.userId, mediaType, callId: id(s) }),
    onAudioMuteChange: (u: any, s: any) => record('onAudioMuteChange', { userId: u.userId, muted: u.muted, callId: id(s) }),
    onVideoMuteChange: (u: any, s: any) => record('onVideoMuteChange', { userId: u.userId, muted: u.muted, callId: id(s) }),
    onICEConnectionStateChange: (state: string, s: any) => record('onICEConnectionStateChange', { state, callId: id(s) }),
    onTrackReady(track: any, s: any) {
      const detail = {
        userId: track.getUserId(),
        kind: track.isVideoTrack() ? 'video' : 'audio',
        local: track.isLocalTrack(),
        callId: id(s),
      };
      record('onTrackReady', detail);
      if (track.isVideoTrack()) void track.play(slot(track.isLocalTrack() ? 'local' : `remote-${track.getUserId()}`));
      else if (!track.isLocalTrack()) void track.play();
    },
  };
  w.__group = {
    async connect({ appKey, token, navigators, rtcOptions }: { appKey: string; token: string; navigators: string[]; rtcOptions: object }) {
      const { RongIMLib, RCRTC, RCCall } = w;
      RongIMLib.init({ appkey: appKey, navigators });
      // IMLib connection events as `{ name: 'im', event }` (a reconnect to another node shows as CONNECTED).
      for (const event of ['CONNECTING', 'CONNECTED', 'SUSPEND', 'DISCONNECT']) {
        if (RongIMLib.Events?.[event]) RongIMLib.addEventListener(RongIMLib.Events[event], () => record('im', { event }));
      }
      const rtcClient = RongIMLib.installPlugin(RCRTC.installer, { mediaServer: location.origin, ...rtcOptions });
      client = RongIMLib.installPlugin(RCCall.installer, {
        rtcClient,
        onSession(s: any) {
          session = s;
          s.registerSessionListener(listener);
          record('onSession', { callId: id(s), caller: s.getCallerId() });
        },
        onSessionClose(s: any, summary: any) {
          record('onSessionClose', { callId: id(s), endReason: summary?.endReason ?? null });
        },
      });
      const result = await RongIMLib.connect(token);
      return { code: result.code };
    },
    async callInGroup({ groupId, userIds, mediaType }: { groupId: string; userIds: string[]; mediaType: number }) {
      const r = await client.callInGroup({ targetId: groupId, userIds, mediaType, listener, constraints: low });
      session = r.session;
      return { code: r.code, callId: id(r.session) };
    },
    async call({ targetId, mediaType }: { targetId: string; mediaType: number }) {
      const r = await client.call({ targetId, mediaType, listener, constraints: low });
      session = r.session;
      return { code: r.code, callId: id(r.session) };
    },
    async accept() {
      return session.accept(low);
    },
    async hangup() {
      return session.hungup();
    },
  };
}

/** Opens `userId`'s page, installs the group driver and connects. */
export async function openGroupUser(env: E2eEnv, userId: string, options: GroupUserOptions = {}): Promise<SdkUser> {
  const userPage = await env.openPage(userId);
  return connectGroupUser(userPage, env.server, [env.server.url], userId, options);
}

/**
 * Installs the group driver in an open page and connects it as `userId` with `navigators` (token from
 * `server`'s API); for worlds other than e2e-env's single server (e.g. cluster nodes).
 */
export async function connectGroupUser(
  userPage: UserPage,
  server: Pick<ServerProcess, 'appKey' | 'getToken' | 'logs'>,
  navigators: string[],
  userId: string,
  options: GroupUserOptions = {},
): Promise<SdkUser> {
  const { page, consoleLines } = userPage;
  await ensureSdkLoaded(userPage);
  await page.evaluate(installGroupDriver, LOW_VIDEO);
  const token = await server.getToken(userId);
  const { code } = await page.evaluate((o) => window.__group.connect(o), {
    appKey: server.appKey,
    token,
    navigators,
    rtcOptions: options.rtcOptions ?? {},
  });
  if (code !== 0) {
    throw new Error(`${userId}: connect failed with ${code}\n${consoleLines.slice(-10).join('\n')}\n${server.logs().slice(-3000)}`);
  }
  return new SdkUser(userId, page, consoleLines);
}
