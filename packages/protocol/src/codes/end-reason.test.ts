import { describe, expect, it } from 'vitest';
import { CLIENT_STATED_END_REASONS, RCCallEndReason as R, toRemoteEndReason } from './end-reason.js';

/** CallLib G.5: how a leaver's own reason is reported to the others. */
const MAPPING: [R, R][] = [
  [R.CANCEL, R.REMOTE_CANCEL],
  [R.REJECT, R.REMOTE_REJECT],
  [R.HANGUP, R.REMOTE_HANGUP],
  [R.BUSY_LINE, R.REMOTE_BUSY_LINE],
  [R.NO_RESPONSE, R.REMOTE_NO_RESPONSE],
  [R.ENGINE_UNSUPPORTED, R.REMOTE_ENGINE_UNSUPPORTED],
  [R.NETWORK_ERROR, R.REMOTE_NETWORK_ERROR],
  [R.GET_MEDIA_RESOURCES_ERROR, R.REMOTE_GET_MEDIA_RESOURCE_ERROR],
  [R.PUBLISH_ERROR, R.REMOTE_PUBLISH_ERROR],
  [R.SUBSCRIBE_ERROR, R.REMOTE_SUBSCRIBE_ERROR],
  [R.OTHER_CLIENT_JOINED_CALL, R.REMOTE_OTHER_CLIENT_JOINED_CALL],
  [R.OTHER_CLIENT_IN_CALL, R.REMOTE_OTHER_CLIENT_IN_CALL],
  [R.KICKED_BY_SERVER, R.REMOTE_KICKED_BY_SERVER],
  [R.ACCEPT_SYSTEM_CALL, R.REMOTE_ACCEPT_SYSTEM_CALL],
  [R.REMOTE_NO_RESPONSE, R.NO_RESPONSE],
];
/** Reasons with no remote form: reported as they are. */
const IDENTITY: R[] = [R.ACCEPT_BY_OTHER_CLIENT, R.HANGUP_BY_OTHER_CLIENT, R.ADDED_TO_BLACKLIST, R.SERVICE_NOT_OPENED, R.REMOTE_HANGUP];

describe('RCCallEndReason local → remote', () => {
  it.each(MAPPING)('%i → %i', (local, remote) => {
    expect(toRemoteEndReason(local)).toBe(remote);
  });
  it.each(IDENTITY)('%i has no remote form', (reason) => {
    expect(toRemoteEndReason(reason)).toBe(reason);
  });
  it('keeps CallLib’s values', () => {
    expect([R.CANCEL, R.SUBSCRIBE_ERROR, R.REMOTE_CANCEL, R.OTHER_CLIENT_JOINED_CALL, R.REMOTE_OTHER_CLIENT_JOINED_CALL]).toEqual([
      1, 10, 11, 21, 31,
    ]);
    expect([R.ACCEPT_BY_OTHER_CLIENT, R.HANGUP_BY_OTHER_CLIENT, R.ADDED_TO_BLACKLIST, R.SERVICE_NOT_OPENED]).toEqual([101, 102, 103, 104]);
  });
  it('lets clients state only their own failures, never another side’s or a server decision', () => {
    for (const reason of CLIENT_STATED_END_REASONS)
      expect(reason < 11 || reason === R.ACCEPT_SYSTEM_CALL || reason === R.SERVICE_NOT_OPENED).toBe(true);
    expect(CLIENT_STATED_END_REASONS).not.toContain(R.KICKED_BY_SERVER);
    expect(CLIENT_STATED_END_REASONS).not.toContain(R.ACCEPT_BY_OTHER_CLIENT);
  });
});
