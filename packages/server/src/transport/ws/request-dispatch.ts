/**
 * Routes a decoded request frame to the service that owns it. Intents that change a call (invite,
 * accept, hang-up, invite members, downgrade) return a promise that settles once the change is
 * committed (acknowledged means stored); the events they cause leave at once. Intents that store
 * nothing (ringing, signals, queries) return their result synchronously.
 */
import { type ClientRequest, RCCallErrorCode } from '@opencall/protocol';
import type { CallService, IntentResult } from '../../services/call/call-service.js';
import type { ImConnection } from '../../services/im/im-connection.js';
import type { TelemetryIngest } from '../../services/insights/telemetry-ingest.js';
import type { MediaRoomService } from '../../services/room/media-room-service.js';

/** The services a request may reach: the calls (`call.*`) and their media rooms (`rtc.*`, `sfu.*`). */
export interface RequestServices {
  readonly calls: CallService;
  readonly mediaRooms: MediaRoomService;
  /** `call.telemetry` batches (services/insights); absent: batches are answered and not kept. */
  readonly telemetry?: TelemetryIngest | undefined;
}

export function dispatchRequest(
  { calls, mediaRooms, telemetry }: RequestServices,
  from: ImConnection,
  request: ClientRequest,
): IntentResult | Promise<IntentResult> {
  switch (request.t) {
    case 'call.invite': {
      const { t: _t, rid: _rid, ...body } = request;
      return calls.invite(from, body);
    }
    case 'call.ringing':
      return calls.ringing(from, request.callId, request.user);
    case 'call.accept':
      return calls.accept(from, request.callId, request.mediaType, request.user);
    case 'call.hangup':
      return calls.hangup(from, request.callId, request.reason, request.user, request);
    case 'call.invite_members':
      return calls.inviteMembers(from, request.callId, request.userIds, request);
    case 'call.modify_media':
      return calls.modifyMedia(from, request.callId, request.user);
    case 'call.joined_info':
      return calls.joinedInfo(from, request.userId);
    case 'call.resync':
      return calls.resync(from, request.callIds);
    case 'rtc.join':
      return calls
        .serviceOpen(from.appKey, request.roomId)
        .then((refused) => refused ?? calls.rooms.joinRefusal(from.appKey, from.userId, request.roomId))
        .then((refused) => refused ?? mediaRooms.join(from, request.roomId));
    case 'rtc.leave':
      return mediaRooms.leave(from, request.roomId);
    case 'rtc.signal':
      return mediaRooms.signal(from, request.roomId, request.toUserId, request.signal);
    case 'sfu.publish':
    case 'sfu.subscribe':
    case 'sfu.start':
    case 'sfu.trickle':
      return mediaRooms.sfuRequest(from, request);
    case 'call.telemetry': {
      const { t: _t, rid: _rid, ...batch } = request;
      return telemetry ? telemetry.ingest(from, batch) : { code: RCCallErrorCode.SUCCESS };
    }
    default: {
      const unreachable: never = request;
      throw new Error(`unhandled request ${JSON.stringify(unreachable)}`);
    }
  }
}
