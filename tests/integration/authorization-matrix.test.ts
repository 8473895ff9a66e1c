/**
 * Authorisation as a matrix (issue 5 item 5), against real server processes with raw WebSocket
 * clients: other apps' users and calls are invisible, only a call's participants (on the answering
 * device) act on it or receive its events, only members call a group, banned / blacklisted users
 * are refused, expired tokens are refused and live connections of revoked tokens close within 1 s,
 * bad server-API signatures are refused, and secrets and tokens never reach the log.
 */
import { ErrorCode, PROTOCOL_VERSION, RCCallErrorCode, ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeForm, readReply, type ServerProcess, signingHeaders, startServerProcess } from '../helpers/server-process.js';

type Frame = Record<string, unknown>;

interface RawClient {
  userId: string;
  deviceId: string;
  /** Every frame received (events included), in order. */
  frames: Frame[];
  closed: Promise<number>;
  request(frame: Frame): Promise<Frame>;
  next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  events(): Frame[];
}

let server: ServerProcess;
let other: ServerProcess;
const sockets: WebSocket[] = [];
const issuedTokens: string[] = [];
const signatures: string[] = [];

async function openSocket(target: ServerProcess): Promise<{ ws: WebSocket; frames: Frame[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${target.url.replace('http', 'ws')}/ws`);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    frames.push(frame);
    if (frame.t === 'evt') ws.send(JSON.stringify({ t: 'ack', seq: frame.seq }));
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

async function waitFrame(frames: Frame[], match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = frames.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 500)}`);
}

/** Says hello with `token` and returns the first `welcome` / `refused`. */
async function hello(target: ServerProcess, appKey: string, token: string, deviceId: string) {
  const socket = await openSocket(target);
  socket.ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey, token, deviceId }));
  const reply = await waitFrame(socket.frames, (f) => f.t === 'welcome' || f.t === 'refused');
  return { ...socket, reply };
}

async function token(target: ServerProcess, userId: string): Promise<string> {
  const issued = await target.getToken(userId);
  issuedTokens.push(issued);
  return issued;
}

async function connect(userId: string, deviceId = `${userId}-d1`, target = server): Promise<RawClient> {
  const { ws, frames, closed, reply } = await hello(target, target.appKey, await token(target, userId), deviceId);
  expect(reply.t).toBe('welcome');
  let rid = 0;
  return {
    userId,
    deviceId,
    frames,
    closed,
    async request(frame) {
      rid += 1;
      const mine = rid;
      ws.send(JSON.stringify({ ...frame, rid: mine }));
      return waitFrame(frames, (f) => (f.t === 'res' || f.t === 'error') && f.rid === mine);
    },
    next: (match, timeoutMs) => waitFrame(frames, match, timeoutMs),
    events: () => frames.filter((f) => f.t === 'evt').map((f) => f.evt as Frame),
  };
}

let callSeq = 0;
/** alice calls bob (who has two devices); bob's first device answers; both join the room. */
async function answeredCall() {
  const n = ++callSeq;
  const alice = await connect(`alice${n}`);
  const bob1 = await connect(`bob${n}`, `bob${n}-d1`);
  const bob2 = await connect(`bob${n}`, `bob${n}-d2`);
  const mallory = await connect(`mallory${n}`);
  const callId = `authz-call-${n}`;
  const invite = { t: 'call.invite', callId, conversationType: 1, targetId: bob1.userId, mediaType: 2, userIds: [bob1.userId] };
  expect(await alice.request(invite)).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  await bob1.next((f) => f.t === 'evt' && (f.evt as Frame).type === 'call.invited');
  await bob2.next((f) => f.t === 'evt' && (f.evt as Frame).type === 'call.invited');
  expect(await bob1.request({ t: 'call.ringing', callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  expect(await bob1.request({ t: 'call.accept', callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  expect(await alice.request({ t: 'rtc.join', roomId: callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  expect(await bob1.request({ t: 'rtc.join', roomId: callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  return { alice, bob1, bob2, mallory, callId };
}

const signal = { kind: 'candidate', candidate: null };
/** Every call / media intent an actor may try on `callId`, addressed to `peer`. */
function intents(callId: string, peer: string): [string, Frame][] {
  return [
    ['call.ringing', { t: 'call.ringing', callId }],
    ['call.accept', { t: 'call.accept', callId }],
    ['call.invite_members', { t: 'call.invite_members', callId, userIds: ['zed'] }],
    ['call.modify_media', { t: 'call.modify_media', callId, mediaType: 1 }],
    ['rtc.join', { t: 'rtc.join', roomId: callId }],
    ['rtc.signal', { t: 'rtc.signal', roomId: callId, toUserId: peer, signal }],
    ['rtc.leave', { t: 'rtc.leave', roomId: callId }],
    ['sfu.publish', { t: 'sfu.publish', roomId: callId, description: { type: 'offer', sdp: 'v=0\r\n' } }],
    ['call.hangup', { t: 'call.hangup', callId }],
  ];
}

beforeAll(async () => {
  [server, other] = await Promise.all([
    startServerProcess({ env: { OPENCALL_SFU: 'off' } }),
    startServerProcess({ env: { OPENCALL_SFU: 'off', OPENCALL_APP_KEY: 'otherappkey0002', OPENCALL_APP_SECRET: 'other-app-secret-0002' } }),
  ]);
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await Promise.all([server?.stop(), other?.stop()]);
});

describe('another app', () => {
  it.each([
    ['a token of another app, with that app’s key', 'other-key', ErrorCode.RC_CONN_ID_REJECT],
    ['a token of another app, with this app’s key', 'this-key', ErrorCode.RC_CONN_TOKEN_INCORRECT],
  ])('%s is refused at connect', async (_name, keyKind, code) => {
    const foreign = await token(other, 'crossuser');
    const appKey = keyKind === 'other-key' ? other.appKey : server.appKey;
    expect((await hello(server, appKey, foreign, 'd')).reply).toMatchObject({ t: 'refused', code });
  });

  it('its users, calls and groups are invisible', async () => {
    // The same user id in both apps: the other app's call never reaches this app's device.
    const here = await connect('shared-id');
    const callerThere = await connect('caller-there', 'ct-d1', other);
    const calleeThere = await connect('shared-id', 'sid-d1', other);
    const callId = 'cross-app-call';
    const invite = { t: 'call.invite', callId, conversationType: 1, targetId: 'shared-id', mediaType: 1, userIds: ['shared-id'] };
    expect(await callerThere.request(invite)).toMatchObject({ code: RCCallErrorCode.SUCCESS });
    await calleeThere.next((f) => f.t === 'evt');
    for (const [name, frame] of intents(callId, 'caller-there')) {
      expect([name, (await here.request(frame)).code]).toEqual([name, RCCallErrorCode.CALL_NOT_FOUND]);
    }
    expect(here.events()).toEqual([]);
    await other.signedPost('/group/create.json', { userId: ['caller-there', 'shared-id'], groupId: 'cross-group' });
    expect((await server.signedPost('/group/user/query.json', { groupId: 'cross-group' })).body).toMatchObject({ users: [] });
    expect(await callerThere.request({ t: 'call.hangup', callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS });
  });

  it('a server-API request signed for another app is refused (1004 for an unknown key, as for a wrong secret)', async () => {
    const foreign = await fetch(`${server.url}/group/user/query.json`, {
      method: 'POST',
      headers: { ...signingHeaders(other.appKey, other.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encodeForm({ groupId: 'g' }),
    });
    expect(await readReply(foreign)).toMatchObject({ status: 401, body: { code: ServerApiCode.SIGNATURE_FAILED } });
    const mixed = await fetch(`${server.url}/group/user/query.json`, {
      method: 'POST',
      headers: { ...signingHeaders(server.appKey, other.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encodeForm({ groupId: 'g' }),
    });
    expect(await readReply(mixed)).toMatchObject({ status: 401, body: { code: ServerApiCode.SIGNATURE_FAILED } });
  });
});

describe('call intents: (actor, action) → code', () => {
  it('a non-participant gets 53211 for every intent on a live call, and 53210 on an unknown one', async () => {
    const { alice, mallory, callId } = await answeredCall();
    const table = intents(callId, alice.userId);
    for (const [name, frame] of table) {
      expect([name, (await mallory.request(frame)).code]).toEqual([name, RCCallErrorCode.NOT_IN_CALL]);
    }
    for (const [name, frame] of intents('no-such-call', alice.userId)) {
      expect([name, (await mallory.request(frame)).code]).toEqual([name, RCCallErrorCode.CALL_NOT_FOUND]);
    }
    await alice.request({ t: 'call.hangup', callId });
  });

  it('the callee’s other device (after the first answered) gets 53211 for every intent', async () => {
    const { alice, bob2, callId } = await answeredCall();
    for (const [name, frame] of intents(callId, alice.userId)) {
      expect([name, (await bob2.request(frame)).code]).toEqual([name, RCCallErrorCode.NOT_IN_CALL]);
    }
    // The call is untouched: the answering device still hangs it up normally.
    await alice.request({ t: 'call.hangup', callId });
  });

  it('a non-member calling a group (or inviting a non-member) gets 53203', async () => {
    const member = await connect('gm1');
    const outsider = await connect('gout');
    await server.signedPost('/group/create.json', { userId: ['gm1', 'gm2', 'gm3'], groupId: 'authz-group' });
    const invite = (callId: string, userIds: string[]) => ({
      t: 'call.invite',
      callId,
      conversationType: 3,
      targetId: 'authz-group',
      mediaType: 1,
      userIds,
    });
    expect(await outsider.request(invite('g-call-1', ['gm1', 'gm2']))).toMatchObject({ code: RCCallErrorCode.NOT_IN_GROUP });
    expect(await member.request(invite('g-call-2', ['gm2', 'gout']))).toMatchObject({ code: RCCallErrorCode.NOT_IN_GROUP });
    expect(await member.request(invite('g-call-3', ['gm2']))).toMatchObject({ code: RCCallErrorCode.SUCCESS });
    expect(await member.request({ t: 'call.invite_members', callId: 'g-call-3', userIds: ['gout'] })).toMatchObject({
      code: RCCallErrorCode.NOT_IN_GROUP,
    });
    expect(await outsider.request({ t: 'call.invite_members', callId: 'g-call-3', userIds: ['gm3'] })).toMatchObject({
      code: RCCallErrorCode.NOT_IN_CALL,
    });
    await member.request({ t: 'call.hangup', callId: 'g-call-3' });
  });

  it('a blacklisted caller gets 53202', async () => {
    const caller = await connect('blk-caller');
    await connect('blk-callee');
    expect((await server.signedPost('/user/blacklist/add.json', { userId: 'blk-callee', blackUserId: 'blk-caller' })).body.code).toBe(200);
    const invite = {
      t: 'call.invite',
      callId: 'blk-call',
      conversationType: 1,
      targetId: 'blk-callee',
      mediaType: 1,
      userIds: ['blk-callee'],
    };
    expect(await caller.request(invite)).toMatchObject({ code: RCCallErrorCode.REJECTED_BY_BLACKLIST });
  });
});

describe('connection-level refusals', () => {
  it('a banned user is closed with 31009 and refused at connect with 31009', async () => {
    const live = await connect('banned1');
    expect((await server.signedPost('/user/block.json', { userId: 'banned1', minute: '5' })).body.code).toBe(200);
    expect(await live.next((f) => f.t === 'bye')).toMatchObject({ code: ErrorCode.RC_CONN_USER_BLOCKED });
    await live.closed;
    expect((await hello(server, server.appKey, await token(server, 'banned1'), 'd')).reply).toMatchObject({
      t: 'refused',
      code: ErrorCode.RC_CONN_USER_BLOCKED,
    });
  });

  it('an expired token is refused with 31020; a live connection of it is closed within 1 s', async () => {
    const issued = await token(server, 'revoke1');
    const { frames, closed, reply } = await hello(server, server.appKey, issued, 'rv-d1');
    expect(reply.t).toBe('welcome');
    const closedAt = closed.then(() => Date.now());
    const expired = await server.signedPost('/user/token/expire.json', { userId: 'revoke1', time: String(Date.now() + 1) });
    const answeredAt = Date.now();
    expect(expired.body.code).toBe(200);
    const closeDelay = (await closedAt) - answeredAt;
    expect(closeDelay).toBeLessThan(1000);
    expect(frames.find((f) => f.t === 'bye')).toMatchObject({ code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    expect((await hello(server, server.appKey, issued, 'rv-d2')).reply).toMatchObject({
      t: 'refused',
      code: ErrorCode.RC_CONN_TOKEN_EXPIRED,
    });
  });

  it.each([
    ['wrong signature', { Signature: '0'.repeat(40) }, 401, ServerApiCode.SIGNATURE_FAILED],
    ['missing Nonce', { Nonce: '' }, 401, ServerApiCode.SIGNATURE_FAILED],
    ['unknown App-Key (answered as a wrong signature)', { 'App-Key': 'nobody' }, 401, ServerApiCode.SIGNATURE_FAILED],
  ])('server API: %s → %s / %s', async (_name, override, status, code) => {
    const headers: Record<string, string> = { ...signingHeaders(server.appKey, server.appSecret), ...override };
    signatures.push(headers.Signature ?? '');
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const response = await fetch(`${server.url}/user/getToken.json`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encodeForm({ userId: 'sig-user' }),
    });
    expect(await readReply(response)).toMatchObject({ status, body: { code } });
  });
});

describe('event isolation', () => {
  it('a non-participant, and the callee’s non-answering device, receive nothing of a call’s media', async () => {
    const { alice, bob1, bob2, mallory, callId } = await answeredCall();
    expect(await alice.request({ t: 'rtc.signal', roomId: callId, toUserId: bob1.userId, signal })).toMatchObject({
      code: RCCallErrorCode.SUCCESS,
    });
    await bob1.next((f) => f.t === 'evt' && (f.evt as Frame).type === 'rtc.signal');
    expect(await alice.request({ t: 'call.hangup', callId })).toMatchObject({ code: RCCallErrorCode.SUCCESS });
    await bob1.next((f) => f.t === 'evt' && (f.evt as Frame).type === 'call.ended');
    // Let any stray fan-out arrive before asserting its absence.
    await new Promise((r) => setTimeout(r, 200));
    expect(mallory.events()).toEqual([]);
    const bob2Types = bob2.events().map((e) => e.type);
    expect(bob2Types.filter((t) => String(t).startsWith('rtc.'))).toEqual([]);
    // The other device learns only that the call was answered elsewhere.
    expect(bob2Types).toEqual(['call.invited', 'call.ended']);
  });
});

describe('logs', () => {
  it('never contain an app secret, an issued token or a request signature', async () => {
    const logs = server.logs() + other.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [server.appSecret, other.appSecret, ...issuedTokens, ...signatures.filter((s) => s.length > 0)]) {
      expect(logs.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
