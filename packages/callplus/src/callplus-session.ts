/** `RCCallPlusSession`: a read-only view of one call, in CallPlus's vocabulary, over the engine's session. */
import type { RCCallSession } from '@opencall/call';
import { ConversationType } from '@opencall/protocol';
import { type RCCallPlusCallState, type RCCallPlusMediaType, RCCallPlusType } from './enums.js';
import { toCallPlusCallState, toCallPlusMediaType } from './media-type-map.js';

export class RCCallPlusSession {
  /** @internal */
  constructor(
    private readonly session: RCCallSession,
    private readonly selfId: string,
  ) {}

  getCallId(): string {
    return this.session.getSessionId();
  }
  /** Who started the call. */
  getCreatorUserId(): string {
    return this.session.getCallerId();
  }
  getCallType(): RCCallPlusType {
    return this.session.getConversationType() === ConversationType.PRIVATE ? RCCallPlusType.SINGLE : RCCallPlusType.MULTI;
  }
  getMediaType(): RCCallPlusMediaType {
    return toCallPlusMediaType(this.session.getMediaType());
  }
  getState(): RCCallPlusCallState {
    const self = this.session.getUserState(this.selfId);
    return toCallPlusCallState(this.session.getState(), self, this.session.getCallerId() === this.selfId);
  }
}
