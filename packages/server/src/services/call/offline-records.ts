/** Calls a user missed with no device connected: stored at the end, delivered on the next connect. */
import type { CallOfflineRecordEvent } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { OfflineCallRecord, Storage } from '../../ports.js';
import type { ImConnection } from '../im/im-connection.js';
import type { Call } from './call.js';

const MAX_DELIVERED_PER_CONNECT = 100;

export class OfflineRecords {
  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
  ) {}

  /** Store a record for every invitee the call never reached. */
  callEnded(call: Call, endAt: number): void {
    for (const participant of call.participants.values()) {
      if (participant.isCaller || participant.reached) continue;
      const record: OfflineCallRecord = {
        callId: call.callId,
        conversationType: call.init.conversationType,
        targetId: call.init.conversationType === 1 ? call.init.callerId : call.init.targetId,
        channelId: call.init.channelId,
        inviterId: participant.inviterId,
        mediaType: call.mediaType,
        endReason: participant.endReason ?? 15,
        beginTimestamp: 0,
        endTimestamp: endAt,
        duration: 0,
      };
      this.storage.offlineRecords.add(call.appKey, participant.userId, record).catch((error: unknown) => {
        this.logger.error({ err: error, callId: call.callId }, 'storing an offline record failed');
      });
    }
  }

  /** Send the user's pending records to a device that just connected. */
  deliver(connection: ImConnection): void {
    this.storage.offlineRecords
      .take(connection.appKey, connection.userId, MAX_DELIVERED_PER_CONNECT)
      .then((records) => {
        for (const record of records) {
          const event: CallOfflineRecordEvent = {
            type: 'call.offline_record',
            ...record,
            conversationType: record.conversationType as 1 | 3,
          };
          connection.sendEvent(event);
        }
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'loading offline records failed'));
  }
}
