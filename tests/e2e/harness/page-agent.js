/*
 * E2E page agent: injected into every page of the e2e browser contexts (context.addInitScript) before
 * the page's own scripts run. It defines `window.__e2e`, which the Node side drives through
 * `page.evaluate` (typed in agent-types.ts). It only touches the SDK globals lazily, when called, so it
 * is harmless on pages that never load them.
 *
 * - log: every CallLib callback and driver step, with `at` = Date.now() (same clock in every page).
 * - SDK driver: connect / call / callInGroup / accept / hangup / invite / media controls, written the way a
 *   CallLib Web app calls the SDK. Every remote video plays into its own <video data-e2e-video="remote-<userId>">.
 * - frames: decoded-frame counters for <video> elements (requestVideoFrameCallback + playback quality).
 * - bare: a bare RTCPeerConnection pair, signaled by the test (the harness baseline).
 */
(() => {
  if (window.__e2e) return;

  /** @type {Array<Record<string, unknown>>} */
  const log = [];
  const marks = {};
  const sessions = new Map();
  /** Every track seen in onTrackReady, by track id (local and remote). */
  const tracks = new Map();
  let callClient = null;
  let primary = null;
  let lastIncoming = null;

  // ---- peer connections ----------------------------------------------------------------------

  /** Every RTCPeerConnection the page created (the SDK's and the bare baseline's), in order. */
  const peerConnections = [];
  if (typeof window.RTCPeerConnection === 'function') {
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        peerConnections.push(this);
      }
    };
  }

  /** How many were created, and the local/remote address of each open one's selected candidate pair. */
  async function peerPaths() {
    const open = peerConnections.filter((pc) => pc.connectionState !== 'closed');
    const paths = await Promise.all(
      open.map(async (pc) => {
        const stats = [...(await pc.getStats()).values()];
        const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
        const pair = transport && stats.find((s) => s.id === transport.selectedCandidatePairId);
        const local = pair && stats.find((s) => s.id === pair.localCandidateId);
        const remote = pair && stats.find((s) => s.id === pair.remoteCandidateId);
        const video = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
        const videoSender = pc.getSenders().find((sender) => sender.track?.kind === 'video');
        return {
          ice: pc.iceConnectionState,
          local: local?.address ?? null,
          videoMaxBitrate: videoSender?.getParameters().encodings?.[0]?.maxBitrate ?? null,
          remote: remote?.address ?? null,
          videoIn: video
            ? { packets: video.packetsReceived, frames: video.framesDecoded, keyFrames: video.keyFramesDecoded, pli: video.pliCount }
            : null,
        };
      }),
    );
    return { created: peerConnections.length, open: paths };
  }

  function record(name, detail) {
    const entry = { name, at: Date.now(), ...detail };
    log.push(entry);
    return entry;
  }

  function reasonName(reason) {
    const reasons = window.RCCall?.RCCallEndReason;
    return reasons ? (reasons[reason] ?? String(reason)) : String(reason);
  }

  function sessionId(session) {
    try {
      return session ? session.getSessionId() : undefined;
    } catch {
      return undefined;
    }
  }

  // ---- decoded frames ------------------------------------------------------------------------

  /** Counts presented frames of a <video> with requestVideoFrameCallback; remembers the first one. */
  function watchFrames(video) {
    if (video.__e2eWatched) return;
    video.__e2eWatched = true;
    video.__e2eFrames = 0;
    if (typeof video.requestVideoFrameCallback !== 'function') return;
    const onFrame = () => {
      video.__e2eFrames += 1;
      if (video.__e2eFirstFrameAt === undefined) video.__e2eFirstFrameAt = Date.now();
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  /** Decoded frames of the first <video> matching `selector`, or -1 if there is none. */
  function frameCount(selector) {
    const video = document.querySelector(selector);
    if (!(video instanceof HTMLVideoElement)) return -1;
    watchFrames(video);
    const quality = typeof video.getVideoPlaybackQuality === 'function' ? video.getVideoPlaybackQuality() : null;
    return Math.max(quality ? quality.totalVideoFrames : 0, video.__e2eFrames);
  }

  function firstFrameAt(selector) {
    const video = document.querySelector(selector);
    return video instanceof HTMLVideoElement ? (video.__e2eFirstFrameAt ?? null) : null;
  }

  /**
   * The agent's own <video data-e2e-video="slot">, created on first use (muted: audio plays separately),
   * its decoded frames counted. `width` × `height`: the element's size (smaller costs less to render).
   */
  function videoSlot(slot, width = 160, height = 120) {
    let video = document.querySelector(`video[data-e2e-video="${slot}"]`);
    if (!video) {
      video = document.createElement('video');
      video.dataset.e2eVideo = slot;
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      video.width = width;
      video.height = height;
      document.body.appendChild(video);
    }
    watchFrames(video);
    return video;
  }

  // ---- CallLib driver ------------------------------------------------------------------------

  function describeTrack(track) {
    return {
      userId: track.getUserId(),
      kind: track.isVideoTrack() ? 'video' : 'audio',
      local: track.isLocalTrack(),
      trackId: track.getTrackId(),
    };
  }

  async function playTrack(track) {
    let result;
    if (track.isVideoTrack()) {
      const slot = track.isLocalTrack() ? 'local' : `remote-${track.getUserId()}`;
      result = await track.play(videoSlot(slot));
    } else if (!track.isLocalTrack()) {
      result = await track.play();
    }
    if (result && result.code !== 10000) record('playFailed', { ...describeTrack(track), code: result.code });
  }

  function describeMuteUser(muteUser) {
    return { userId: muteUser.userId, muted: muteUser.muted, kind: muteUser.kind, trackId: muteUser.trackId };
  }

  /** A compact summary of an IRCRTCStateReport (the full one is large; one per session every `statsReportInterval`). */
  function describeReport(report) {
    const stat = (s) => ({ trackId: s.trackId, kind: s.kind, bitrate: s.bitrate });
    const pair = report?.iceCandidatePair;
    return {
      pcName: report?.pcName ?? null,
      senders: Array.isArray(report?.senders) ? report.senders.map(stat) : null,
      receivers: Array.isArray(report?.receivers) ? report.receivers.map(stat) : null,
      pair: pair
        ? {
            IP: pair.IP,
            port: pair.port,
            remoteIP: pair.remoteIP,
            remotePort: pair.remotePort,
            protocol: pair.protocol,
            networkType: pair.networkType,
            rtt: pair.rtt,
            bitrateSend: pair.bitrateSend,
            bitrateRecv: pair.bitrateRecv,
            availableOutgoingBitrate: pair.availableOutgoingBitrate,
            availableIncomingBitrate: pair.availableIncomingBitrate,
          }
        : null,
    };
  }

  function makeListener() {
    return {
      onRinging(sender, session) {
        record('onRinging', { sender: sender.userId, callId: sessionId(session) });
      },
      onAccept(sender, session) {
        record('onAccept', { sender: sender.userId, callId: sessionId(session) });
      },
      onHungup(sender, reason, session) {
        record('onHungup', { sender: sender.userId, reason, reasonName: reasonName(reason), callId: sessionId(session) });
      },
      onTrackReady(track, session) {
        tracks.set(track.getTrackId(), track);
        record('onTrackReady', { ...describeTrack(track), callId: sessionId(session) });
        playTrack(track).catch((error) => record('playFailed', { ...describeTrack(track), error: String(error) }));
      },
      onMemberModify(sender, invitedUsers, session) {
        record('onMemberModify', { sender: sender.userId, invited: invitedUsers.map((u) => u.userId), callId: sessionId(session) });
      },
      onMediaModify(sender, mediaType, session) {
        record('onMediaModify', { sender: sender.userId, mediaType, callId: sessionId(session) });
      },
      onAudioMuteChange(muteUser, session) {
        record('onAudioMuteChange', { ...describeMuteUser(muteUser), callId: sessionId(session) });
      },
      onVideoMuteChange(muteUser, session) {
        record('onVideoMuteChange', { ...describeMuteUser(muteUser), callId: sessionId(session) });
      },
      onRTCStateReport(report, session) {
        record('onRTCStateReport', { ...describeReport(report), callId: sessionId(session) });
      },
      onTrackPublishFail(code, session) {
        record('onTrackPublishFail', { code, callId: sessionId(session) });
      },
      onTrackSubscribeFail(code, session) {
        record('onTrackSubscribeFail', { code, callId: sessionId(session) });
      },
      onICEConnectionStateChange(state, session) {
        record('onICEConnectionStateChange', { state, callId: sessionId(session) });
      },
    };
  }

  function pick(callId) {
    if (callId) {
      const session = sessions.get(callId);
      if (!session) throw new Error(`no session ${callId}`);
      return session;
    }
    const session = primary ?? lastIncoming;
    if (!session) throw new Error('no session to act on');
    return session;
  }

  /** Logs every IMLib connection event as `{ name: 'im', event, code? }` (CONNECTED, SUSPEND, ...). */
  function watchImStatus(RongIMLib) {
    if (!RongIMLib.Events || typeof RongIMLib.addEventListener !== 'function') return;
    for (const event of ['CONNECTING', 'CONNECTED', 'SUSPEND', 'DISCONNECT']) {
      if (!RongIMLib.Events[event]) continue;
      RongIMLib.addEventListener(RongIMLib.Events[event], (code) => record('im', { event, ...(code === undefined ? {} : { code }) }));
    }
  }

  /** `RongIMLib.getConnectionStatus()` (RCConnectionStatus: 0 connected, 1 connecting, 2 disconnected, 3 suspended). */
  function imStatus() {
    return window.RongIMLib.getConnectionStatus();
  }

  async function connect({ appKey, token, navigators, rtcOptions }) {
    const { RongIMLib, RCRTC, RCCall } = window;
    if (!RongIMLib || !RCRTC || !RCCall) throw new Error('SDK globals RongIMLib/RCRTC/RCCall are not loaded');
    RongIMLib.init({ appkey: appKey, navigators });
    watchImStatus(RongIMLib);
    // `rtcOptions.callTelemetry` is RCCall's `telemetry` option (the rest goes to RCRTC).
    const { callTelemetry, ...rtcInstallOptions } = rtcOptions ?? {};
    const rtcClient = RongIMLib.installPlugin(RCRTC.installer, { mediaServer: location.origin, ...rtcInstallOptions });
    callClient = RongIMLib.installPlugin(RCCall.installer, {
      rtcClient,
      ...(callTelemetry ? { telemetry: callTelemetry } : {}),
      onSession(session) {
        const callId = sessionId(session);
        sessions.set(callId, session);
        lastIncoming = session;
        session.registerSessionListener(makeListener());
        record('onSession', {
          callId,
          caller: session.getCallerId(),
          mediaType: session.getMediaType(),
          state: session.getState(),
        });
      },
      onOfflineRecord(offline) {
        record('onOfflineRecord', { ...offline });
      },
      onSessionClose(session, summary) {
        const callId = sessionId(session);
        if (primary === session) primary = null;
        if (lastIncoming === session) lastIncoming = null;
        record('onSessionClose', {
          callId,
          endReason: summary?.endReason ?? null,
          reasonName: reasonName(summary?.endReason),
          duration: summary?.duration ?? null,
          summary: summary ? { ...summary } : null,
        });
      },
    });
    const result = await RongIMLib.connect(token);
    record('connect', { code: result.code, userId: result.data?.userId });
    return { code: result.code, userId: result.data?.userId ?? null };
  }

  function placed(code, session) {
    const callId = sessionId(session);
    if (session) {
      sessions.set(callId, session);
      primary = session;
    }
    record('callResult', { code, callId });
    return { code, callId: callId ?? null };
  }

  async function call({ targetId, mediaType, constraints }) {
    if (!callClient) throw new Error('connect first');
    marks.dialAt = Date.now();
    const params = { targetId, mediaType, listener: makeListener(), ...(constraints ? { constraints } : {}) };
    const { code, session } = await callClient.call(params);
    return placed(code, session);
  }

  async function callInGroup({ targetId, userIds, mediaType, constraints }) {
    if (!callClient) throw new Error('connect first');
    marks.dialAt = Date.now();
    const params = { targetId, userIds, mediaType, listener: makeListener(), ...(constraints ? { constraints } : {}) };
    const { code, session } = await callClient.callInGroup(params);
    return placed(code, session);
  }

  async function accept(callId, constraints) {
    const session = pick(callId);
    marks.acceptAt = Date.now();
    const { code } = await session.accept(constraints);
    primary = session;
    record('acceptResult', { code, callId: sessionId(session) });
    return { code };
  }

  async function hangup(callId) {
    const session = pick(callId);
    const { code } = await session.hungup();
    record('hangupResult', { code, callId: sessionId(session) });
    return { code };
  }

  function state(callId) {
    return pick(callId).getState();
  }

  async function invite(callId, userIds) {
    const { code } = await pick(callId).invite(userIds);
    record('inviteResult', { code, callId, invited: userIds });
    return { code };
  }

  const MEDIA_CONTROLS = ['descendAbility', 'disableAudioTrack', 'enableAudioTrack', 'disableVideoTrack', 'enableVideoTrack'];

  /** One of the session's media controls (`descendAbility`, `disableVideoTrack`, ...). */
  async function media(callId, control) {
    if (!MEDIA_CONTROLS.includes(control)) throw new Error(`unknown media control ${control}`);
    const { code } = await pick(callId)[control]();
    record('mediaResult', { control, code, callId });
    return { code };
  }

  function mediaType(callId) {
    return pick(callId).getMediaType();
  }

  /** `isReady()` of a track seen in onTrackReady (null if never seen). */
  /** RCLocalTrack.setBitrate(maxKbps) on the local track of `kind` (as an app caps its upload). */
  function setLocalBitrate(kind, maxKbps) {
    for (const track of tracks.values()) {
      if (track.isLocalTrack() && (kind === 'video' ? track.isVideoTrack() : track.isAudioTrack())) {
        track.setBitrate(maxKbps);
        return true;
      }
    }
    return false;
  }

  function trackReady(trackId) {
    const track = tracks.get(trackId);
    return track ? track.isReady() : null;
  }

  function find(query) {
    return log.find((entry) => Object.keys(query).every((key) => entry[key] === query[key])) ?? null;
  }

  // ---- bare RTCPeerConnection baseline -------------------------------------------------------

  let barePc = null;

  async function gatheringComplete(pc, timeoutMs) {
    if (pc.iceGatheringState === 'complete') return;
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ICE gathering not complete after ${timeoutMs} ms`)), timeoutMs);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** Resolves once a new round of gathering (an ICE restart's) completes; start it before the restart. */
  function gatheringRestarted(pc, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ICE gathering not complete after ${timeoutMs} ms`)), timeoutMs);
      let started = false;
      const onChange = () => {
        if (pc.iceGatheringState === 'gathering') started = true;
        if (started && pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          pc.removeEventListener('icegatheringstatechange', onChange);
          resolve();
        }
      };
      pc.addEventListener('icegatheringstatechange', onChange);
    });
  }

  /** Trickle ICE: remote candidates that arrived before the remote description (added after it). */
  let bareEarlyCandidates = [];

  /**
   * A new bare connection. With `trickle`, each local candidate goes to `window.__e2eBareTrickle`
   * (a binding the harness exposes to relay it to the other page) as soon as it is found.
   */
  function newBarePc(trickle) {
    const pc = new RTCPeerConnection();
    bareEarlyCandidates = [];
    if (trickle) {
      pc.addEventListener('icecandidate', (event) => {
        if (event.candidate) void window.__e2eBareTrickle(event.candidate.toJSON());
      });
    }
    return pc;
  }

  async function setBareRemote(description) {
    await barePc.setRemoteDescription(description);
    const early = bareEarlyCandidates;
    bareEarlyCandidates = [];
    for (const candidate of early) await barePc.addIceCandidate(candidate);
  }

  const bare = {
    /** Caller: capture the fake camera + mic, return an offer: complete (default) or at once with `trickle`. */
    async offer(trickle = false) {
      barePc = newBarePc(trickle);
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      for (const track of stream.getTracks()) barePc.addTrack(track, stream);
      await barePc.setLocalDescription(await barePc.createOffer());
      if (!trickle) await gatheringComplete(barePc, 5000);
      return barePc.localDescription.toJSON();
    },
    /** Trickle ICE: a candidate relayed from the other page (kept until the remote description is set). */
    async addCandidate(candidate) {
      if (!barePc) return;
      if (barePc.remoteDescription) await barePc.addIceCandidate(candidate);
      else bareEarlyCandidates.push(candidate);
    },
    /** Callee: play whatever arrives into <video data-e2e-video="remote">, return an answer (complete unless `trickle`). */
    async answer(offer, trickle = false) {
      barePc = newBarePc(trickle);
      barePc.addEventListener('track', (event) => {
        if (event.track.kind !== 'video') return;
        const video = videoSlot('remote');
        video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        video.play().catch((error) => record('playFailed', { error: String(error) }));
      });
      await setBareRemote(offer);
      await barePc.setLocalDescription(await barePc.createAnswer());
      if (!trickle) await gatheringComplete(barePc, 5000);
      return barePc.localDescription.toJSON();
    },
    async accept(answer) {
      await setBareRemote(answer);
    },
    /** Caller: the usual app recipe after a network problem — an ICE restart offer (complete ICE). */
    async restartOffer() {
      const gathered = gatheringRestarted(barePc, 5000);
      await barePc.setLocalDescription(await barePc.createOffer({ iceRestart: true }));
      await gathered;
      return barePc.localDescription.toJSON();
    },
    /** Callee: answer an ICE restart on the existing connection (complete ICE). */
    async reanswer(offer) {
      const gathered = gatheringRestarted(barePc, 5000);
      await barePc.setRemoteDescription(offer);
      await barePc.setLocalDescription(await barePc.createAnswer());
      await gathered;
      return barePc.localDescription.toJSON();
    },
    iceState() {
      return barePc ? barePc.iceConnectionState : 'closed';
    },
    /** The selected candidate pair's local and remote addresses (to prove media stays on loopback). */
    async selectedPair() {
      const stats = await barePc.getStats();
      for (const report of stats.values()) {
        if (report.type !== 'candidate-pair' || !report.nominated || report.state !== 'succeeded') continue;
        const local = stats.get(report.localCandidateId);
        const remote = stats.get(report.remoteCandidateId);
        return { local: local?.address ?? null, remote: remote?.address ?? null };
      }
      return null;
    },
    close() {
      barePc?.close();
      barePc = null;
      document.querySelector('video[data-e2e-video="remote"]')?.remove();
    },
  };

  window.__e2e = {
    log,
    marks,
    record,
    find,
    frameCount,
    firstFrameAt,
    connect,
    call,
    callInGroup,
    accept,
    hangup,
    state,
    imStatus,
    invite,
    media,
    mediaType,
    trackReady,
    setLocalBitrate,
    videoSlot,
    bare,
    peerPaths,
  };
})();
