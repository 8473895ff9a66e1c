/**
 * Push notices for invitees with no device connected: the invite, and its hang-up when it rang in
 * vain. The sender (the invitee's inviter) is named from the server's user record, looked up once
 * per call and inviter; the profile a client registered never reaches a notice.
 */
import type { PushSender, RCCallEndReason } from '@opencall/protocol';
import type { UserStore } from '../../ports/index.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { PushNotice, PushProvider } from '../push/push-provider.js';
import type { Call } from './call.js';

export type PushText = { pushTitle?: string | undefined; pushContent?: string | undefined };

export class CallPush {
  /** Per call, the inviter's server-side identity (one lookup; every notice of the call waits for the same one). */
  private readonly senders = new WeakMap<Call, Map<string, Promise<PushSender>>>();

  constructor(
    private readonly provider: PushProvider,
    private readonly registry: ConnectionRegistry,
    private readonly users: Pick<UserStore, 'get'>,
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
    const inviterId = call.participants.get(userId)?.inviterId ?? call.init.callerId;
    const notice: Omit<PushNotice, 'sender'> = { appKey: call.appKey, userId, kind, title, content, data };
    void this.senderOf(call, inviterId).then((sender) => this.provider.send({ ...notice, sender }));
  }

  /** The caller gave up before anyone answered: invitees never reached get the hang-up push. */
  hangupToUnreached(call: Call, reason: RCCallEndReason, text: PushText): void {
    for (const participant of call.present()) {
      if (!participant.isCaller && !participant.reached) this.send(call, participant.userId, 'hangup', text, reason);
    }
  }

  private senderOf(call: Call, userId: string): Promise<PushSender> {
    let byUser = this.senders.get(call);
    if (!byUser) {
      byUser = new Map();
      this.senders.set(call, byUser);
    }
    let sender = byUser.get(userId);
    if (!sender) {
      sender = this.users.get(call.appKey, userId).then(
        (record) => ({ userId, name: record?.name ?? '', portraitUri: record?.portraitUri ?? '' }),
        () => ({ userId, name: '', portraitUri: '' }),
      );
      byUser.set(userId, sender);
    }
    return sender;
  }
}
