/** A call for tests: alice calls group g1 from device alice-d; `init` overrides any field. */
import { ConversationType, RCCallMediaType } from '@opencall/protocol';
import { Call, type CallInit } from './call.js';

export function groupCallFromAlice(init: Partial<CallInit> = {}): Call {
  return new Call({
    appKey: 'app',
    callId: 'c1',
    conversationType: ConversationType.GROUP,
    targetId: 'g1',
    channelId: '',
    mediaType: RCCallMediaType.AUDIO,
    callerId: 'alice',
    callerDeviceId: 'alice-d',
    extra: '',
    createdAt: 100,
    callerProfile: undefined,
    pushTitle: '',
    pushContent: '',
    ...init,
  });
}
