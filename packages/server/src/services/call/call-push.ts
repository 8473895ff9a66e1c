/** Push notices for invitees with no device connected: the invite, and its hang-up when it rang in vain. */
import type { RCCallEndReason } from '@opencall/protocol';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { PushProvider } from '../push/push-provider.js';
import type { Call } from './call.js';

export type PushText = { pushTitle?: string | undefined; pushContent?: string | undefined };

export class CallPush {
  constructor(
    private readonly provider: PushProvider,
    private readonly registry: ConnectionRegistry,
  ) {}

  /** Notify `userId` unless one of their devices is online (it gets the event instead). */
  send(call: Call, userId: string, kind: 'call' | 'hangup', text: PushText, reason?: RCCallEndReason): void {
    if (this.registry.isOnline(call.appKey, userId)) return;
    const data =
      kind === 'call'
        ? {
            mediaType: call.mediaType,
            userIdList: [...call.participants.keys()].filter((id) => id !== call.init.callerId),
            callId: call.callId,
          }
        : { callId: call.callId, reason };
    const title = text.pushTitle ?? call.init.pushTitle;
    const content = text.pushContent ?? call.init.pushContent;
    this.provider.send({ appKey: call.appKey, userId, kind, title, content, data });
  }

  /** The caller gave up before anyone answered: invitees never reached get the hang-up push. */
  hangupToUnreached(call: Call, reason: RCCallEndReason, text: PushText): void {
    for (const participant of call.present()) {
      if (!participant.isCaller && !participant.reached) this.send(call, participant.userId, 'hangup', text, reason);
    }
  }
}
