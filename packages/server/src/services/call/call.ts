/** One call in flight: its participants and the two state machines, with no I/O. */
import type { ConversationType, PushVendorConfig, RCCallMediaType, UserProfile } from '@opencall/protocol';
import type { SfuRoomState } from '../../adapters/sfu/sfu-port.js';
import type { CallRecord } from '../../ports/index.js';
import { CALL_MACHINE, type CallEventName, type CallState } from './call-machine.js';
import type { PushText } from './call-push.js';
import { Participant } from './participant.js';

export { Participant } from './participant.js';

export interface CallInit {
  appKey: string;
  callId: string;
  conversationType: ConversationType;
  targetId: string;
  channelId: string;
  mediaType: RCCallMediaType;
  callerId: string;
  callerDeviceId: string;
  extra: string;
  createdAt: number;
  callerProfile: UserProfile | undefined;
  /** Push texts from the invite (for offline invitees). */
  pushTitle: string;
  pushContent: string;
  /** The invite push's per-vendor fields (`setPushConfig`), absent when none. */
  pushConfig?: PushVendorConfig | undefined;
  /** The caller's hang-up push (`setPushConfig`), for the hang-up notices the call's end causes. */
  hangupPush?: PushText | undefined;
}

export class Call {
  state: CallState = 'ringing';
  mediaType: RCCallMediaType;
  beginAt = 0;
  /** Fencing epoch of this node's ownership (raised at every takeover; journal writes carry it). */
  ownerEpoch = 1;
  /** How the media room carries media, fixed at its first join (the media relay sets it). */
  roomMode: 'p2p' | 'sfu' | undefined = undefined;
  /** How another node takes the call's SFU room over (journaled; undefined: the room dies with its node). */
  sfuRoom: SfuRoomState | undefined = undefined;
  readonly participants = new Map<string, Participant>();

  constructor(readonly init: CallInit) {
    this.mediaType = init.mediaType;
    this.participants.set(
      init.callerId,
      new Participant({
        userId: init.callerId,
        isCaller: true,
        inviterId: init.callerId,
        deviceId: init.callerDeviceId,
        joinedAt: init.createdAt,
        ringDeadline: 0,
        profile: init.callerProfile,
        rang: true,
        reached: true,
      }),
    );
  }

  get callId(): string {
    return this.init.callId;
  }

  get appKey(): string {
    return this.init.appKey;
  }

  addInvitee(userId: string, inviterId: string, ringDeadline: number, reached: boolean): Participant {
    const participant = new Participant({
      userId,
      isCaller: false,
      inviterId,
      deviceId: undefined,
      joinedAt: 0,
      ringDeadline,
      profile: undefined,
      rang: false,
      reached,
    });
    this.participants.set(userId, participant);
    return participant;
  }

  /** Not narrowed by earlier checks (the call may end across an `await`). */
  hasEnded(): boolean {
    return this.state === 'ended';
  }

  apply(event: CallEventName): void {
    this.state = CALL_MACHINE.next(this.state, event);
  }

  /** Participants that have not left. */
  present(): Participant[] {
    return [...this.participants.values()].filter((p) => p.state !== 'left');
  }

  hasAnswer(): boolean {
    return [...this.participants.values()].some((p) => !p.isCaller && p.joinedAt > 0);
  }

  caller(): Participant {
    return this.participants.get(this.init.callerId)!;
  }

  toRecord(endAt: number): CallRecord {
    return {
      appKey: this.appKey,
      callId: this.callId,
      conversationType: this.init.conversationType,
      targetId: this.init.targetId,
      channelId: this.init.channelId,
      callerId: this.init.callerId,
      mediaType: this.mediaType,
      extra: this.init.extra,
      createdAt: this.init.createdAt,
      beginAt: this.beginAt,
      endAt,
      durationMs: this.beginAt > 0 ? Math.max(0, endAt - this.beginAt) : 0,
      endReason: this.caller().endReason ?? 3,
      participants: [...this.participants.values()].map((p) => ({
        userId: p.userId,
        deviceId: p.deviceId ?? '',
        isCaller: p.isCaller,
        joinedAt: p.joinedAt,
        leftAt: p.leftAt || endAt,
        endReason: p.endReason ?? 3,
      })),
    };
  }
}
