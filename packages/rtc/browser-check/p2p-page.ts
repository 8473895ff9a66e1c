/**
 * Browser check of the real P2P path: two RCRTC clients in one page, wired through the in-memory
 * relay (same rules as the server), with Chromium's fake camera and microphone.
 */
import { createRTCInstaller, type IRCRTCStateReport, type RCRemoteTrack, type RCTrack } from '../src/index.js';
import { MemoryRtcRelay, waitFor } from '../src/testing/memory-rtc-relay.js';

async function run(): Promise<Record<string, unknown>> {
  const relay = new MemoryRtcRelay();
  const make = (userId: string) => createRTCInstaller({ transport: 'p2p' }).setup(relay.createContext(userId), { tag: 'browser' }, {});
  const alice = make('alice');
  const bob = make('bob');
  const result: Record<string, unknown> = {};

  const aliceJoin = await alice.joinRTCRoom('room1');
  const aliceRoom = aliceJoin.room!;
  const aliceReady: RCTrack[] = [];
  const aliceMutes: boolean[] = [];
  const reports: IRCRTCStateReport[] = [];
  const iceStates: string[] = [];
  aliceRoom.registerRoomEventListener({
    onTrackPublish: (tracks: RCRemoteTrack[]) => void aliceRoom.subscribe(tracks),
    onTrackReady: (t) => aliceReady.push(t),
    onAudioMuteChange: (t) => aliceMutes.push(t.isOwnerMuted()),
  });
  aliceRoom.registerReportListener({ onStateReport: (r) => reports.push(r), onICEConnectionStateChange: (s) => iceStates.push(s) });
  const aliceTracks = await alice.createMicrophoneAndCameraTracks();
  result.aliceCapture = aliceTracks.code;
  await aliceRoom.publish(aliceTracks.tracks);

  const bobJoin = await bob.joinRTCRoom('room1');
  result.bobJoinUserIds = bobJoin.userIds;
  const bobRoom = bobJoin.room!;
  const bobReady: RCTrack[] = [];
  bobRoom.registerRoomEventListener({
    onTrackPublish: (tracks: RCRemoteTrack[]) => void bobRoom.subscribe(tracks),
    onTrackReady: (t) => bobReady.push(t),
  });
  const bobTracks = await bob.createMicrophoneAndCameraTracks();
  await bobRoom.publish(bobTracks.tracks);

  await waitFor(() => aliceReady.length === 2 && bobReady.length === 2, 15_000, 'remote tracks ready');
  result.aliceGot = aliceReady.map((t) => t.getTrackId()).sort();
  result.bobGot = bobReady.map((t) => t.getTrackId()).sort();

  const frames = async (track: RCTrack) => {
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    const played = await track.play(video);
    await waitFor(() => video.videoWidth > 0 && video.currentTime > 0.5, 10_000, 'video frames');
    return { code: played.code, width: video.videoWidth, height: video.videoHeight };
  };
  result.aliceSeesBob = await frames(aliceReady.find((t) => t.isVideoTrack())!);
  result.bobSeesAlice = await frames(bobReady.find((t) => t.isVideoTrack())!);
  result.audioPlay = (await aliceReady.find((t) => t.isAudioTrack())!.play()).code;

  await bobTracks.tracks[0]!.mute();
  await waitFor(() => aliceMutes.length === 1, 5000, 'mute change');
  result.aliceMutes = aliceMutes;

  await waitFor(() => reports.some((r) => r.iceCandidatePair && r.receivers.some((x) => x.bitrate > 0)), 8000, 'state report');
  const last = reports.at(-1)!;
  result.report = { pair: last.iceCandidatePair, senders: last.senders, receivers: last.receivers };
  result.iceStates = iceStates;

  // Camera off and on again (CallLib disableVideoTrack / enableVideoTrack with isOffCameraWhenVideoDisable).
  const unpublished: string[] = [];
  aliceRoom.registerRoomEventListener({
    onTrackPublish: (tracks: RCRemoteTrack[]) => void aliceRoom.subscribe(tracks),
    onTrackReady: (t) => aliceReady.push(t),
    onTrackUnpublish: (tracks) => unpublished.push(...tracks.map((t) => t.getTrackId())),
  });
  const oldVideo = bobTracks.tracks[1]!;
  await bobRoom.unpublish([oldVideo]);
  oldVideo.destroy();
  await waitFor(() => unpublished.includes('bob_RongCloudRTC_video'), 5000, 'video unpublish');
  const newVideo = (await bob.createCameraVideoTrack()).track!;
  await bobRoom.publish([newVideo]);
  await waitFor(() => aliceReady.length === 3, 8000, 'republished video ready');
  result.republished = { unpublished, ready: aliceReady[2]!.getTrackId(), frames: await frames(aliceReady[2]!) };
  bobTracks.tracks[1] = newVideo;

  const left: string[] = [];
  aliceRoom.registerRoomEventListener({ onUserLeave: (ids) => left.push(...ids), onTrackUnpublish: (t) => left.push(`unpub:${t.length}`) });
  await bob.leaveRoom(bobRoom);
  await waitFor(() => left.includes('bob'), 5000, 'user leave');
  result.leave = left;
  await alice.leaveRoom(aliceRoom);
  for (const t of [...aliceTracks.tracks, ...bobTracks.tracks]) t.destroy();
  return result;
}

(window as unknown as { runP2PCheck: typeof run }).runP2PCheck = run;
