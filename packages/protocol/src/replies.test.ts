import { describe, expect, it } from 'vitest';
import { CLIENT_FRAME_TYPES } from './client-frames.js';
import { checkReply, NoReplyData, REPLY_DATA } from './replies.js';

/** Client frames that are not requests (no `rid`, no `res`). */
const NOT_REQUESTS = new Set(['hello', 'ping', 'ack']);

describe('reply map', () => {
  it('names a reply schema for every request type the server accepts, and nothing else', () => {
    const requestTypes = [...CLIENT_FRAME_TYPES].filter((t) => !NOT_REQUESTS.has(t)).sort();
    expect(Object.keys(REPLY_DATA).sort()).toEqual(requestTypes);
    for (const t of requestTypes) expect(REPLY_DATA[t as keyof typeof REPLY_DATA], t).toBeDefined();
  });

  it('passes data that fits the schema, typed', () => {
    const { reply, problem } = checkReply('call.accept', { code: 10000, data: { rtcSessionId: 'c1_5' } });
    expect(problem).toBeUndefined();
    expect(reply.data?.rtcSessionId).toBe('c1_5');
    const join = checkReply('rtc.join', { code: 10000, data: { peers: [{ userId: 'bob', deviceId: 'd1' }], mode: 'sfu' } });
    expect(join.reply.data).toEqual({ peers: [{ userId: 'bob', deviceId: 'd1' }], mode: 'sfu' });
  });

  it('drops data that does not fit and names the problem, keeping code and message', () => {
    const { reply, problem } = checkReply('call.resync', { code: 10000, message: 'm', data: { calls: [{ callId: 5 }] } });
    expect(reply).toEqual({ code: 10000, message: 'm' });
    expect(problem).toMatch(/^call\.resync reply data: calls\.0\.callId/);
  });

  it('keeps the glare hint of a refused invite (data on an error code)', () => {
    expect(checkReply('call.invite', { code: 53216, data: { callId: 'crossing' } }).reply.data).toEqual({ callId: 'crossing' });
  });

  it('drops data on replies that carry none, quietly', () => {
    expect(REPLY_DATA['call.hangup']).toBe(NoReplyData);
    expect(checkReply('call.hangup', { code: 10000, data: { x: 1 } })).toEqual({ reply: { code: 10000 } });
  });

  it('answers without data stay without data', () => {
    expect(checkReply('sfu.publish', { code: 34001 })).toEqual({ reply: { code: 34001 } });
  });
});
