/**
 * Push notices for invitees with no device connected: the invite, and its hang-up when it rang in
 * vain. Each notice is written to the outbox with the call change that caused it (same transaction),
 * then delivered at least once by the outbox worker, which names the sender (the invitee's inviter)
 * from the server's user record; the profile a client registered never reaches a notice.
 */
import type { PushVendorConfig, RCCallEndReason } from '@opencall/protocol';
import type { NewOutboxRow } from '../../ports/index.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import { pushOutboxRow, type StoredPushNotice } from '../push/push-outbox.js';
import type { Call } from './call.js';

/** What a signal says its push should show, and the per-vendor fields of its `IPushConfig`. */
export type PushText = { pushTitle?: string | undefined; pushContent?: string | undefined; pushConfig?: PushVendorConfig | undefined };

/** Where notices go: the call journal, which commits them with the call's change. */
export interface PushOutbox {
  enqueue(call: Call, rows: readonly NewOutboxRow[]): void;
}

export class CallPush {
  /**
   * The invitations a `call` notice was written for and no `hangup` notice since (`appKey callId userId`):
   * when such a ring ends some other way (answered or declined on a device, the call ended while the
   * user was connected), a `close` notice tells their push-rung devices (Web Push) to stop ringing.
   * In memory: after a restart or a takeover those rings end by their TTL and the stale check instead.
   */
  private readonly pushedRings = new Set<string>();

  /** `outbox` undefined: no push configured, no notice written. `closeNotices`: Web Push is on (only it reads them). */
  constructor(
    private readonly outbox: PushOutbox | undefined,
    private readonly registry: Pick<ConnectionRegistry, 'isOnline'>,
    private readonly now: () => number,
    private readonly closeNotices = false,
  ) {}

  /**
   * Notify `userId` unless one of their devices is online (it gets the event instead). `text` is the
   * signal's own push; what it leaves out comes from the call (its invite push, or for hang-ups the
   * caller sends or causes, the caller's hang-up push given with the invite), then the invite's texts.
   * `senderId`: who the notice is from when not the user's inviter (a callee's rejection to the caller).
   */
  send(call: Call, userId: string, kind: 'call' | 'hangup', text: PushText, reason?: RCCallEndReason, senderId?: string): void {
    if (!this.outbox || this.registry.isOnline(call.appKey, userId)) return;
    const participant = call.participants.get(userId);
    const data =
      kind === 'call'
        ? {
            mediaType: call.mediaType,
            userIdList: [...call.participants.keys()].filter((id) => id !== call.init.callerId),
            callId: call.callId,
          }
        : { callId: call.callId, reason };
    const fromCaller = (senderId ?? call.init.callerId) === call.init.callerId;
    const fallback: PushText = kind === 'call' ? { pushConfig: call.init.pushConfig } : fromCaller ? (call.init.hangupPush ?? {}) : {};
    const pushConfig = text.pushConfig ?? fallback.pushConfig;
    const notice: StoredPushNotice = {
      appKey: call.appKey,
      userId,
      kind,
      title: text.pushTitle ?? fallback.pushTitle ?? call.init.pushTitle,
      content: text.pushContent ?? fallback.pushContent ?? call.init.pushContent,
      inviterId: senderId ?? participant?.inviterId ?? call.init.callerId,
      data,
      ...(pushConfig === undefined ? {} : { pushConfig }),
    };
    this.outbox.enqueue(call, [pushOutboxRow(notice, call.callId, participant?.ringDeadline ?? 0, this.now())]);
    const ring = ringKey(call, userId);
    if (kind === 'call' && this.closeNotices) this.pushedRings.add(ring);
    else this.pushedRings.delete(ring);
  }

  /**
   * `userId`'s ring in `call` is over (they answered, declined, left, or the call ended): if a `call`
   * notice went out and no `hangup` notice followed, write a `close` notice (Web Push only).
   */
  ringSettled(call: Call, userId: string): void {
    const ring = ringKey(call, userId);
    if (!this.outbox || !this.pushedRings.delete(ring)) return;
    const participant = call.participants.get(userId);
    const notice: StoredPushNotice = {
      appKey: call.appKey,
      userId,
      kind: 'close',
      title: call.init.pushTitle,
      content: call.init.pushContent,
      inviterId: participant?.inviterId ?? call.init.callerId,
      data: { callId: call.callId },
    };
    this.outbox.enqueue(call, [pushOutboxRow(notice, call.callId, participant?.ringDeadline ?? 0, this.now())]);
  }

  /** The caller gave up before anyone answered: invitees never reached get the hang-up push. */
  hangupToUnreached(call: Call, reason: RCCallEndReason, text: PushText): void {
    for (const participant of call.present()) {
      if (!participant.isCaller && !participant.reached) this.send(call, participant.userId, 'hangup', text, reason);
    }
  }
}

function ringKey(call: Call, userId: string): string {
  return `${call.appKey} ${call.callId} ${userId}`;
}
