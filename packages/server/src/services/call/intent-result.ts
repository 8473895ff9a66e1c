/** The answer to a device's call intent: a CallLib code (SUCCESS or why not), with a message and data. */
import { type ClientRequestType, RCCallErrorCode, type ReplyData } from '@opencall/protocol';

/**
 * What the server answers to a request of type `T` (`code` is what CallLib's callback reports);
 * `data` is the reply data the protocol's map (`REPLY_DATA`) names for `T`.
 */
export interface IntentResult<T extends ClientRequestType = ClientRequestType> {
  code: number;
  message?: string;
  data?: ReplyData<T>;
}

/** The intent succeeded (nothing to add). */
export const ok: IntentResult = { code: RCCallErrorCode.SUCCESS };

/** The intent was refused with `code`, for the reason in `message`. */
export const fail = (code: number, message: string): IntentResult => ({ code, message });
