/*
 * OpenCall demo: a CallLib Web 5.x app written the usual way, against the globals RongIMLib, RCRTC and
 * RCCall loaded from /sdk/. Swap those three script tags for RongCloud's and the code stays the same
 * (except the token, which comes from this server's development endpoint /dev/token).
 */
/* global RongIMLib, RCRTC, RCCall */
(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    userId: $('user-id'),
    connect: $('connect-button'),
    connection: $('connection-status'),
    targetId: $('target-id'),
    mediaType: $('media-type'),
    call: $('call-button'),
    hangup: $('hangup-button'),
    incoming: $('incoming-panel'),
    incomingText: $('incoming-text'),
    accept: $('accept-button'),
    reject: $('reject-button'),
    status: $('status'),
    localVideo: $('local-video'),
    remoteVideo: $('remote-video'),
    summary: $('summary'),
    log: $('log'),
  };

  if (!window.RongIMLib || !window.RCRTC || !window.RCCall) {
    ui.status.textContent = 'SDK not loaded: run `npm run build` (or `npm start`) to build /sdk/*.js';
    ui.connect.disabled = true;
    return;
  }

  const { RCCallMediaType, RCCallEndReason, RCCallSessionState, RCCallErrorCode } = RCCall;

  /** Name of `value` in an enum object (works for TS enums and plain objects alike). */
  const nameOf = (enumObject, value) => Object.keys(enumObject).find((key) => enumObject[key] === value) ?? String(value);

  let callClient = null;
  /** The session shown in the UI (outgoing, or incoming once it is the only one). */
  let session = null;

  function log(text) {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function showState() {
    if (!session) {
      ui.status.textContent = callClient ? 'idle' : 'not connected';
    } else {
      const peer = session.getTargetId();
      ui.status.textContent = `${nameOf(RCCallSessionState, session.getState())} · with ${peer} · ${session.getSessionId()}`;
    }
    ui.call.disabled = !callClient || session !== null;
    ui.hangup.disabled = session === null;
  }

  function clearVideos() {
    ui.localVideo.srcObject = null;
    ui.remoteVideo.srcObject = null;
  }

  /** The session listener: every callback is logged; tracks are played as they become ready. */
  const listener = {
    onRinging(sender) {
      log(`onRinging: ${sender.userId} is ringing`);
      showState();
    },
    onAccept(sender) {
      log(`onAccept: ${sender.userId} accepted`);
      showState();
    },
    onHungup(sender, reason) {
      log(`onHungup: ${sender.userId} left, reason ${nameOf(RCCallEndReason, reason)} (${reason})`);
      showState();
    },
    onTrackReady(track) {
      const owner = track.isLocalTrack() ? 'local' : `remote ${track.getUserId()}`;
      log(`onTrackReady: ${owner} ${track.isVideoTrack() ? 'video' : 'audio'} track`);
      if (track.isAudioTrack()) {
        if (!track.isLocalTrack()) track.play(); // never play my own microphone
        return;
      }
      track.play(track.isLocalTrack() ? ui.localVideo : ui.remoteVideo);
    },
    onMemberModify(sender, invitedUsers) {
      log(`onMemberModify: ${sender.userId} invited ${invitedUsers.map((u) => u.userId).join(', ')}`);
    },
    onMediaModify(sender, mediaType) {
      log(`onMediaModify: ${sender.userId} switched to ${nameOf(RCCallMediaType, mediaType)}`);
    },
    onAudioMuteChange(muteUser) {
      log(`onAudioMuteChange: ${muteUser.userId} ${muteUser.muted ? 'muted' : 'unmuted'} audio`);
    },
    onVideoMuteChange(muteUser) {
      log(`onVideoMuteChange: ${muteUser.userId} ${muteUser.muted ? 'muted' : 'unmuted'} video`);
    },
  };

  function onSession(incoming) {
    // The listener must be registered inside onSession.
    incoming.registerSessionListener(listener);
    const caller = incoming.getCallerId();
    const kind = incoming.getMediaType() === RCCallMediaType.AUDIO_VIDEO ? 'video' : 'audio';
    log(`onSession: ${kind} call from ${caller}`);
    if (session) {
      log(`(already in a call: the SDK answers ${caller} with busy)`);
      return;
    }
    session = incoming;
    ui.incomingText.textContent = `${caller} is calling you (${kind})`;
    ui.incoming.hidden = false;
    showState();
  }

  function onSessionClose(closed, summary) {
    const reason = summary ? `${nameOf(RCCallEndReason, summary.endReason)} (${summary.endReason})` : 'unknown';
    log(`onSessionClose: ${closed.getSessionId()} ended, ${reason}`);
    if (closed !== session) return;
    session = null;
    ui.incoming.hidden = true;
    ui.summary.textContent = summary
      ? [
          `with:      ${summary.targetId}`,
          `media:     ${nameOf(RCCallMediaType, summary.mediaType)}`,
          `reason:    ${reason}`,
          `duration:  ${(summary.duration / 1000).toFixed(1)} s`,
          `began:     ${summary.beginTimestamp ? new Date(summary.beginTimestamp).toLocaleTimeString() : '—'}`,
          `ended:     ${new Date(summary.endTimestamp).toLocaleTimeString()}`,
        ].join('\n')
      : 'no summary';
    clearVideos();
    showState();
  }

  async function connect() {
    const userId = ui.userId.value.trim();
    if (!userId) {
      ui.connection.textContent = 'enter a user id first';
      return;
    }
    ui.connect.disabled = true;
    ui.userId.disabled = true;
    ui.connection.textContent = 'connecting…';
    try {
      const response = await fetch(`/dev/token?userId=${encodeURIComponent(userId)}`);
      if (response.status === 404)
        throw new Error('the dev token helper is off: start the server with `npm start` (or OPENCALL_DEV_TOKENS=1)');
      const reply = await response.json();
      if (reply.code !== 200) throw new Error(reply.errorMessage ?? `token request failed with code ${reply.code}`);

      RongIMLib.init({ appkey: reply.appKey, navigators: [location.origin] });
      const rtcClient = RongIMLib.installPlugin(RCRTC.installer, { mediaServer: location.origin });
      callClient = RongIMLib.installPlugin(RCCall.installer, { rtcClient, onSession, onSessionClose });
      RongIMLib.addEventListener(RongIMLib.Events.DISCONNECT, (code) => {
        ui.connection.textContent = `disconnected (${code})`;
      });

      const result = await RongIMLib.connect(reply.token);
      if (result.code !== RongIMLib.ErrorCode.SUCCESS) throw new Error(`connect failed with code ${result.code}`);
      ui.connection.textContent = `connected as ${result.data.userId}`;
      log(`connected as ${result.data.userId}`);
    } catch (error) {
      callClient = null;
      ui.connection.textContent = `failed: ${error.message}`;
      log(`connect failed: ${error.message}`);
      ui.connect.disabled = false; // init may only run once; reload the page to pick another user
    }
    showState();
  }

  async function call() {
    const targetId = ui.targetId.value.trim();
    if (!targetId) {
      log('enter the callee id first');
      return;
    }
    const mediaType = ui.mediaType.value === 'audio' ? RCCallMediaType.AUDIO : RCCallMediaType.AUDIO_VIDEO;
    ui.call.disabled = true;
    log(`calling ${targetId} (${nameOf(RCCallMediaType, mediaType)})…`);
    try {
      const { code, session: outgoing } = await callClient.call({ targetId, mediaType, listener });
      if (code === RCCallErrorCode.SUCCESS) {
        session = outgoing;
      } else {
        log(`call failed: ${nameOf(RCCallErrorCode, code)} (${code})`);
        clearVideos();
      }
    } catch (error) {
      log(`call failed: ${error.message}`);
    }
    showState();
  }

  async function accept() {
    ui.incoming.hidden = true;
    const { code } = await session.accept();
    if (code !== RCCallErrorCode.SUCCESS) log(`accept failed: ${nameOf(RCCallErrorCode, code)} (${code})`);
    showState();
  }

  async function hangup() {
    if (!session) return;
    const { code } = await session.hungup();
    if (code !== RCCallErrorCode.SUCCESS) log(`hungup failed: ${nameOf(RCCallErrorCode, code)} (${code})`);
  }

  ui.connect.addEventListener('click', connect);
  ui.userId.addEventListener('keydown', (event) => event.key === 'Enter' && connect());
  ui.call.addEventListener('click', call);
  ui.hangup.addEventListener('click', hangup);
  ui.accept.addEventListener('click', accept);
  ui.reject.addEventListener('click', hangup);
  showState();
})();
