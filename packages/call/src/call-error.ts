/**
 * What CallLib's methods report when a call signal could not be sent: CallLib's own codes only.
 * RongCloud maps the engine's send error like this (reference/calllib-api.md D.1): blacklisted 405 →
 * 53202, not in the group 22406 → 53203, anything else → SEND_MSG_ERROR 53201. OpenCall's server
 * answers with `RCCallErrorCode`s (its 532xx codes pass unchanged); IM-level codes (30001 link
 * down, 30003 timeout, 36xxx frame errors …) never reach the app.
 */
import { RCCallErrorCode } from '@opencall/protocol';

/** IMLib `ErrorCode` values CallLib maps to a call error of its own. */
const IM_REJECTED_BY_BLACKLIST = 405;
const IM_NOT_IN_GROUP = 22406;

const CALL_ERROR_CODES: ReadonlySet<number> = new Set(Object.values(RCCallErrorCode).filter((v): v is number => typeof v === 'number'));

/** The CallLib code for the answer to a call signal (`call.invite`, `call.accept`, …). */
export function toCallErrorCode(code: number): RCCallErrorCode {
  if (CALL_ERROR_CODES.has(code)) return code as RCCallErrorCode;
  if (code === IM_REJECTED_BY_BLACKLIST) return RCCallErrorCode.REJECTED_BY_BLACKLIST;
  if (code === IM_NOT_IN_GROUP) return RCCallErrorCode.NOT_IN_GROUP;
  return RCCallErrorCode.SEND_MSG_ERROR;
}
