/**
 * One valid sample of every wire frame type (client and server), the seeds the fuzzers mutate.
 * `CLIENT_FRAME_TYPES` / `SERVER_FRAME_TYPES` are checked against these so a new frame type fails
 * the coverage test until it gets a sample here.
 */
import { PROTOCOL_VERSION } from '@opencall/protocol';

const profile = { name: 'Alice', portraitUri: 'http://p/a.png', extra: 'x' };
const description = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

/** Valid client frames by `t`. */
export const CLIENT_SAMPLES: Record<string, Record<string, unknown>> = {
  hello: {
    t: 'hello',
    v: PROTOCOL_VERSION,
    appKey: 'appkey',
    token: 'token',
    deviceId: 'dev-1',
    platform: 'node',
    resume: { streamId: 's1', lastSeq: 4 },
  },
  ping: { t: 'ping' },
  ack: { t: 'ack', seq: 3 },
  'call.invite': {
    t: 'call.invite',
    rid: 1,
    callId: 'call-1',
    conversationType: 1,
    targetId: 'bob',
    channelId: '',
    mediaType: 2,
    userIds: ['bob'],
    extra: 'e',
    pushTitle: 'title',
    pushContent: 'content',
    user: profile,
  },
  'call.ringing': { t: 'call.ringing', rid: 2, callId: 'call-1', user: profile },
  'call.accept': { t: 'call.accept', rid: 3, callId: 'call-1', mediaType: 1, user: profile },
  'call.hangup': { t: 'call.hangup', rid: 4, callId: 'call-1', reason: 7, user: profile, pushTitle: 't', pushContent: 'c' },
  'call.invite_members': { t: 'call.invite_members', rid: 5, callId: 'call-1', userIds: ['carol', 'dave'], extra: 'e', user: profile },
  'call.modify_media': { t: 'call.modify_media', rid: 6, callId: 'call-1', mediaType: 1, user: profile },
  'call.joined_info': { t: 'call.joined_info', rid: 7, userId: 'bob' },
  'call.resync': { t: 'call.resync', rid: 8, callIds: ['c1'] },
  'rtc.join': { t: 'rtc.join', rid: 8, roomId: 'call-1' },
  'rtc.leave': { t: 'rtc.leave', rid: 9, roomId: 'call-1' },
  'rtc.signal': { t: 'rtc.signal', rid: 10, roomId: 'call-1', toUserId: 'bob', signal: { kind: 'description', description } },
  'sfu.publish': { t: 'sfu.publish', rid: 11, roomId: 'call-1', description },
  'sfu.subscribe': { t: 'sfu.subscribe', rid: 12, roomId: 'call-1', feedUserId: 'bob' },
  'sfu.start': { t: 'sfu.start', rid: 13, roomId: 'call-1', feedUserId: 'bob', description: { type: 'answer', sdp: 'v=0\r\n' } },
  'sfu.trickle': { t: 'sfu.trickle', rid: 14, roomId: 'call-1', feedUserId: 'bob', candidate },
  'call.telemetry': {
    t: 'call.telemetry',
    rid: 15,
    callId: 'call-1',
    samples: [{ ago: 1000, k: 'a', d: 'r', p: 'bob', br: 32, pl: 0.5, j: 4, rtt: 20, ct: 'host' }],
    setup: { ring: 300, ice: 120, frame: 400 },
  },
};

/** Extra valid client frames exercising other union branches. */
export const EXTRA_CLIENT_SAMPLES: Record<string, unknown>[] = [
  { t: 'rtc.signal', rid: 20, roomId: 'call-1', toUserId: 'bob', signal: { kind: 'candidate', candidate } },
  { t: 'rtc.signal', rid: 21, roomId: 'call-1', toUserId: 'bob', signal: { kind: 'candidate', candidate: null } },
  { t: 'rtc.signal', rid: 22, roomId: 'call-1', toUserId: 'bob', signal: { kind: 'relink', generation: 1 } },
  { t: 'rtc.signal', rid: 22, roomId: 'call-1', toUserId: 'bob', signal: { kind: 'track_state', trackId: 'tr', muted: true } },
  { t: 'call.invite', rid: 23, callId: 'g-1', conversationType: 3, targetId: 'group1', mediaType: 1, userIds: ['a', 'b', 'c'] },
  { t: 'sfu.trickle', rid: 24, roomId: 'call-1', candidate: null },
  {
    t: 'call.hangup',
    rid: 25,
    callId: 'call-1',
    telemetry: { samples: [{ ago: 500, k: 'v', d: 's', p: 'bob', br: 900, fps: 30, w: 640, h: 480 }], setup: { ring: 250 }, sentAt: 1 },
  },
];

const callBase = { callId: 'call-1' };

/** Valid server events by `type`. */
export const EVENT_SAMPLES: Record<string, unknown>[] = [
  {
    type: 'call.invited',
    ...callBase,
    callerId: 'alice',
    inviterId: 'alice',
    conversationType: 1,
    targetId: 'alice',
    channelId: '',
    mediaType: 2,
    members: [
      { userId: 'alice', state: 2 },
      { userId: 'bob', state: 1 },
    ],
    extra: '',
    sentTime: 1,
    ringRemainingMs: 1000,
    busy: false,
  },
  { type: 'call.ringing', ...callBase, userId: 'bob' },
  { type: 'call.accepted', ...callBase, userId: 'bob', deviceId: 'd', mediaType: 2 },
  { type: 'call.member_left', ...callBase, userId: 'bob', reason: 2 },
  { type: 'call.ended', ...callBase, reason: 1, beginTime: 0, endTime: 5 },
  { type: 'call.members_invited', ...callBase, inviterId: 'alice', userIds: ['carol'] },
  { type: 'call.media_modified', ...callBase, userId: 'bob', mediaType: 1 },
  {
    type: 'call.offline_record',
    ...callBase,
    conversationType: 1,
    targetId: 'alice',
    channelId: '',
    inviterId: 'alice',
    mediaType: 1,
    endReason: 15,
    beginTimestamp: 0,
    endTimestamp: 3,
    duration: 0,
  },
  { type: 'rtc.peer_joined', roomId: 'call-1', userId: 'bob', deviceId: 'd' },
  { type: 'rtc.peer_left', roomId: 'call-1', userId: 'bob' },
  { type: 'rtc.signal', roomId: 'call-1', fromUserId: 'bob', fromDeviceId: 'd', signal: { kind: 'description', description } },
  { type: 'sfu.feed', roomId: 'call-1', userId: 'bob' },
  { type: 'sfu.feed_gone', roomId: 'call-1', userId: 'bob' },
  { type: 'sfu.trickle', roomId: 'call-1', candidate },
  { type: 'sfu.key_frame', roomId: 'call-1' },
];

/** Valid server frames by `t`. */
export const SERVER_SAMPLES: Record<string, Record<string, unknown>> = {
  welcome: {
    t: 'welcome',
    v: PROTOCOL_VERSION,
    userId: 'alice',
    connectionId: 'c1',
    streamId: 's1',
    resumed: false,
    serverTime: 1,
    heartbeatMs: 15000,
    ringTimeoutMs: 60000,
    iceServers: [{ urls: ['turn:127.0.0.1'], username: 'u', credential: 'c' }],
  },
  'ice.servers': { t: 'ice.servers', iceServers: [{ urls: ['turn:127.0.0.1'], username: 'u', credential: 'c' }] },
  refused: { t: 'refused', code: 31004, message: 'bad token' },
  bye: { t: 'bye', code: 31020, message: 'revoked' },
  pong: { t: 'pong', serverTime: 5 },
  res: { t: 'res', rid: 1, code: 10000, message: 'ok', data: { peers: [] } },
  error: { t: 'error', code: 36004, message: 'bad', rid: 3 },
  evt: { t: 'evt', seq: 1, evt: EVENT_SAMPLES[0] },
};

/** Every valid server frame sample, one `evt` per event sample. */
export function allServerSamples(): Record<string, unknown>[] {
  return [...Object.values(SERVER_SAMPLES), ...EVENT_SAMPLES.map((evt, i) => ({ t: 'evt', seq: i + 1, evt }))];
}

/** Every valid client frame sample. */
export function allClientSamples(): Record<string, unknown>[] {
  return [...Object.values(CLIENT_SAMPLES), ...EXTRA_CLIENT_SAMPLES];
}
