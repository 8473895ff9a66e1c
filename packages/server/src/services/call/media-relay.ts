/**
 * The P2P media room of a call (room id = call id): only participants who answered, on the device
 * that answered, may join; signals are relayed only between joined devices.
 */
import { ErrorCode, RCCallErrorCode, type RtcSignal } from '@opencall/protocol';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import type { Call, Participant } from './call.js';
import type { CallDirectory } from './call-directory.js';
import type { IntentResult } from './call-service.js';

const ok: IntentResult = { code: RCCallErrorCode.SUCCESS };

/** Refuse SDP that is not SDP before it reaches anyone. */
export function signalProblem(signal: RtcSignal): string | undefined {
  if (signal.kind === 'description' && signal.description.type !== 'rollback') {
    const sdp = signal.description.sdp ?? '';
    if (!sdp.startsWith('v=0')) return 'description.sdp must start with v=0';
  }
  if (
    signal.kind === 'candidate' &&
    signal.candidate &&
    signal.candidate.candidate !== '' &&
    !signal.candidate.candidate.startsWith('candidate:')
  ) {
    return 'candidate must start with candidate:';
  }
  return undefined;
}

export class MediaRelay {
  constructor(
    private readonly calls: CallDirectory,
    private readonly registry: ConnectionRegistry,
  ) {}

  private member(from: ImConnection, roomId: string): { call: Call; participant: Participant } | IntentResult {
    const call = this.calls.get(from.appKey, roomId);
    if (!call || call.state === 'ended') return { code: RCCallErrorCode.CALL_NOT_FOUND, message: 'no such room' };
    const participant = call.participants.get(from.userId);
    if (participant?.state !== 'keeping' || participant.deviceId !== from.deviceId) {
      return { code: RCCallErrorCode.NOT_IN_CALL, message: 'only the answering device of a participant may use the room' };
    }
    return { call, participant };
  }

  join(from: ImConnection, roomId: string): IntentResult {
    const found = this.member(from, roomId);
    if ('code' in found) return found;
    const { call, participant } = found;
    const peers = call.present().filter((p) => p !== participant && p.inRoom && p.deviceId !== undefined);
    participant.inRoom = true;
    for (const peer of peers) {
      this.registry.sendToUser(
        call.appKey,
        peer.userId,
        { type: 'rtc.peer_joined', roomId, userId: participant.userId, deviceId: from.deviceId },
        peer.deviceId,
      );
    }
    return { ...ok, data: { peers: peers.map((p) => ({ userId: p.userId, deviceId: p.deviceId! })) } };
  }

  leave(from: ImConnection, roomId: string): IntentResult {
    const found = this.member(from, roomId);
    if ('code' in found) return found;
    this.participantLeft(found.call, found.participant);
    return ok;
  }

  signal(from: ImConnection, roomId: string, toUserId: string, signal: RtcSignal): IntentResult {
    const found = this.member(from, roomId);
    if ('code' in found) return found;
    if (!found.participant.inRoom) return { code: RCCallErrorCode.NOT_IN_CALL, message: 'join the room first' };
    const problem = signalProblem(signal);
    if (problem) return { code: ErrorCode.OC_INVALID_FIELD, message: problem };
    const target = found.call.participants.get(toUserId);
    if (target?.state !== 'keeping' || !target.inRoom)
      return { code: RCCallErrorCode.NOT_IN_CALL, message: `${toUserId} is not in the room` };
    this.registry.sendToUser(
      found.call.appKey,
      toUserId,
      { type: 'rtc.signal', roomId, fromUserId: from.userId, fromDeviceId: from.deviceId, signal },
      target.deviceId,
    );
    return ok;
  }

  /** A participant left the call or the room: tell the others in the room. */
  participantLeft(call: Call, participant: Participant): void {
    if (!participant.inRoom) return;
    participant.inRoom = false;
    for (const peer of call.present()) {
      if (peer !== participant && peer.inRoom) {
        this.registry.sendToUser(
          call.appKey,
          peer.userId,
          { type: 'rtc.peer_left', roomId: call.callId, userId: participant.userId },
          peer.deviceId,
        );
      }
    }
  }
}
