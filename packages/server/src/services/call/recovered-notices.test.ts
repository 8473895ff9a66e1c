import { RCCallEndReason } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { NOTICE_WINDOW_MS, RecoveredCallNotices } from './recovered-notices.js';

const CALL = { appKey: 'app', callId: 'c1', beginAt: 10, endAt: 20, userIds: ['alice', 'bob'] };

describe('RecoveredCallNotices', () => {
  it('tells each device of a participant once', () => {
    const notices = new RecoveredCallNotices([CALL], () => 0);
    expect(notices.take('app', 'alice', 'd1')).toEqual([
      { type: 'call.ended', callId: 'c1', reason: RCCallEndReason.NETWORK_ERROR, beginTime: 10, endTime: 20 },
    ]);
    expect(notices.take('app', 'alice', 'd1')).toEqual([]);
    expect(notices.take('app', 'alice', 'd2')).toHaveLength(1);
    expect(notices.take('app', 'carol', 'd1')).toEqual([]);
    expect(notices.take('other-app', 'bob', 'd1')).toEqual([]);
  });

  it('forgets everything after the notice window', () => {
    let now = 0;
    const notices = new RecoveredCallNotices([CALL], () => now);
    now = NOTICE_WINDOW_MS + 1;
    expect(notices.take('app', 'bob', 'd1')).toEqual([]);
  });
});
