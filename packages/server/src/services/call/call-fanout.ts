/** Who receives a call's events: the chosen device of each participant, or all devices of a ringing invitee. */
import type { ServerEvent } from '@opencall/protocol';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { Call, Participant } from './call.js';

export class CallFanout {
  constructor(private readonly registry: ConnectionRegistry) {}

  /** Send to one participant (its chosen device, else every device). */
  toParticipant(call: Call, participant: Participant, event: ServerEvent): void {
    this.registry.sendToUser(call.appKey, participant.userId, event, participant.deviceId);
  }

  /** Send to every present participant except `exceptUserId`. */
  toOthers(call: Call, exceptUserId: string, event: ServerEvent): void {
    for (const participant of call.present()) {
      if (participant.userId !== exceptUserId) this.toParticipant(call, participant, event);
    }
  }

  /** Send to a user's devices other than `deviceId` (multi-device: answered / hung up elsewhere). */
  toOtherDevices(call: Call, userId: string, deviceId: string, event: ServerEvent): void {
    for (const connection of this.registry.connectionsOf(call.appKey, userId)) {
      if (connection.deviceId !== deviceId) connection.sendEvent(event);
    }
  }
}
