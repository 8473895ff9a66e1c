/*
 * E2E driver for a CallPlus-wrapper page (RongIMLib.js + RCRTC.js + CallPlus.js + CallPlusWrapper.js,
 * no RCCall.js), written the way the seed's "CallLib 5.X 升级到 CallPlus" section tells an app to
 * migrate: CallPlus installer with { rtcClient }, wrapper installer with { callPlusClient, onSession,
 * onSessionClose }, onTrackReady(userId, mediaType, session) → setVideoView + playMedia.
 * It records into the page agent's log (window.__e2e, page-agent.js) and plays every video into the
 * agent's <video data-e2e-video="local" | "remote-<userId>">, so the same frame counters apply.
 * Added to the page after load (page.addScriptTag); defines window.__callPlusWrapper.
 */
(() => {
  if (window.__callPlusWrapper) return;
  const e2e = window.__e2e;
  const sessions = new Map();
  let callPlusClient = null;
  let caller = null;
  let selfId = null;
  let primary = null;
  let lastIncoming = null;

  const sessionId = (session) => (session ? session.getSessionId() : undefined);

  /** The seed's recipe: convert the wrapper's RCCallMediaType, bind a view for video, then playMedia. */
  async function play(userId, mediaType) {
    const { RCCallMediaType } = window.CallPlusWrapper;
    const { RCCallPlusMediaType, RCCallPlusCode } = window.CallPlus;
    const playType = mediaType === RCCallMediaType.AUDIO ? RCCallPlusMediaType.AUDIO : RCCallPlusMediaType.VIDEO;
    if (playType === RCCallPlusMediaType.VIDEO) {
      const slot = userId === selfId ? 'local' : `remote-${userId}`;
      callPlusClient.setVideoView([{ userId, videoElement: e2e.videoSlot(slot) }]);
    }
    const { code } = await callPlusClient.playMedia(userId, playType);
    e2e.record(code === RCCallPlusCode.SUCCESS ? 'played' : 'playFailed', { userId, mediaType, code });
  }

  function makeListener() {
    return {
      onRinging(sender, session) {
        e2e.record('onRinging', { sender: sender.userId, callId: sessionId(session) });
      },
      onAccept(sender, session) {
        e2e.record('onAccept', { sender: sender.userId, callId: sessionId(session) });
      },
      onHungup(sender, reason, session) {
        e2e.record('onHungup', { sender: sender.userId, reason, callId: sessionId(session) });
      },
      onTrackReady(...args) {
        const [userId, mediaType, session] = args;
        e2e.record('onTrackReady', { userId, mediaType, local: userId === selfId, callId: sessionId(session), argCount: args.length });
        play(userId, mediaType).catch((error) => e2e.record('playFailed', { userId, mediaType, error: String(error) }));
      },
      onMemberModify(sender, invitedUsers, session) {
        e2e.record('onMemberModify', { sender: sender.userId, invited: invitedUsers.map((u) => u.userId), callId: sessionId(session) });
      },
      onMediaModify(sender, mediaType, session) {
        e2e.record('onMediaModify', { sender: sender.userId, mediaType, callId: sessionId(session) });
      },
    };
  }

  async function connect({ appKey, token, navigators }) {
    const { RongIMLib, RCRTC, CallPlus, CallPlusWrapper } = window;
    if (!RongIMLib || !RCRTC || !CallPlus || !CallPlusWrapper) throw new Error('RongIMLib/RCRTC/CallPlus/CallPlusWrapper are not loaded');
    if (window.RCCall) throw new Error('a CallPlus-wrapper page must not load RCCall.js');
    RongIMLib.init({ appkey: appKey, navigators });
    const rtcClient = RongIMLib.installPlugin(RCRTC.installer, { mediaServer: location.origin });
    callPlusClient = RongIMLib.installPlugin(CallPlus.installer, { rtcClient });
    caller = RongIMLib.installPlugin(CallPlusWrapper.installer, {
      callPlusClient,
      onSession(session) {
        const callId = sessionId(session);
        sessions.set(callId, session);
        lastIncoming = session;
        session.registerSessionListener(makeListener());
        e2e.record('onSession', { callId, caller: session.getCallerId(), mediaType: session.getMediaType(), state: session.getState() });
      },
      onSessionClose(session, summary) {
        if (primary === session) primary = null;
        if (lastIncoming === session) lastIncoming = null;
        e2e.record('onSessionClose', {
          callId: sessionId(session),
          endReason: summary?.endReason ?? null,
          duration: summary?.duration ?? null,
        });
      },
    });
    const result = await RongIMLib.connect(token);
    selfId = result.data?.userId ?? null;
    e2e.record('connect', { code: result.code, userId: selfId });
    return { code: result.code, userId: selfId };
  }

  async function call({ targetId, mediaType }) {
    const { code, session } = await caller.call({ targetId, mediaType, listener: makeListener() });
    const callId = sessionId(session);
    if (session) {
      sessions.set(callId, session);
      primary = session;
    }
    e2e.record('callResult', { code, callId });
    return { code, callId: callId ?? null };
  }

  function pick(callId) {
    const session = callId ? sessions.get(callId) : (primary ?? lastIncoming);
    if (!session) throw new Error(`no session ${callId ?? ''}`);
    return session;
  }

  async function accept(callId) {
    const session = pick(callId);
    const { code } = await session.accept();
    primary = session;
    e2e.record('acceptResult', { code, callId: sessionId(session) });
    return { code };
  }

  async function hangup(callId) {
    const session = pick(callId);
    const { code } = await session.hungup();
    e2e.record('hangupResult', { code, callId: sessionId(session) });
    return { code };
  }

  window.__callPlusWrapper = { connect, call, accept, hangup };
})();
