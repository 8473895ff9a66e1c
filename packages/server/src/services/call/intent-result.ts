/** The answer to a device's call intent: a CallLib code (SUCCESS or why not), with a message and data. */
import { RCCallErrorCode } from '@opencall/protocol';

/** What the server answers to a call intent (`code` is what CallLib's callback reports). */
export interface IntentResult {
  code: number;
  message?: string;
  data?: unknown;
}

/** The intent succeeded (nothing to add). */
export const ok: IntentResult = { code: RCCallErrorCode.SUCCESS };

/** The intent was refused with `code`, for the reason in `message`. */
export const fail = (code: number, message: string): IntentResult => ({ code, message });
