import { ErrorCode, RCCallErrorCode } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { toCallErrorCode } from './call-error.js';

describe('toCallErrorCode', () => {
  it('keeps CallLib codes, OpenCall 532xx codes included', () => {
    for (const code of [
      RCCallErrorCode.SUCCESS,
      RCCallErrorCode.REJECTED_BY_BLACKLIST,
      RCCallErrorCode.NOT_IN_GROUP,
      RCCallErrorCode.CALL_NOT_FOUND,
      RCCallErrorCode.PARTICIPANT_LIMIT,
      RCCallErrorCode.STORAGE_UNAVAILABLE,
      RCCallErrorCode.PARAM_ERROR,
    ]) {
      expect(toCallErrorCode(code)).toBe(code);
    }
  });

  it('maps the engine codes CallLib maps, and every other IM code to SEND_MSG_ERROR', () => {
    expect(toCallErrorCode(405)).toBe(RCCallErrorCode.REJECTED_BY_BLACKLIST);
    expect(toCallErrorCode(22406)).toBe(RCCallErrorCode.NOT_IN_GROUP);
    for (const code of [
      ErrorCode.RC_NET_CHANNEL_INVALID,
      ErrorCode.RC_NET_UNAVAILABLE,
      ErrorCode.TIMEOUT,
      ErrorCode.RC_PING_TIMEOUT,
      ErrorCode.OC_INVALID_FIELD,
      ErrorCode.OC_RATE_LIMITED,
      0,
    ]) {
      expect(toCallErrorCode(code)).toBe(RCCallErrorCode.SEND_MSG_ERROR);
    }
  });
});
