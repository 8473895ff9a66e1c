/** An offline call record for tests: a private audio call from alice, cancelled. */
import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import type { OfflineCallRecord } from '../../ports/index.js';

export function offlineCallRecord(callId: string, overrides: Partial<OfflineCallRecord> = {}): OfflineCallRecord {
  return {
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: 'alice',
    channelId: '',
    inviterId: 'alice',
    mediaType: RCCallMediaType.AUDIO,
    endReason: RCCallEndReason.REMOTE_CANCEL,
    beginTimestamp: 1000,
    endTimestamp: 2000,
    duration: 0,
    ...overrides,
  };
}
