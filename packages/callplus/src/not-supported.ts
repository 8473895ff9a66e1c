/** The error every CallPlus method OpenCall leaves out throws (listed in the README). */
export class OpenCallNotSupportedError extends Error {
  override readonly name = 'OpenCallNotSupportedError';
  constructor(readonly api: string) {
    super(`[OpenCall] ${api} is not supported by OpenCall's CallPlus (see the README, "CallPlus wrapper")`);
  }
}

/** CallPlus client methods OpenCall does not implement: each throws `OpenCallNotSupportedError`. */
export const UNSUPPORTED_CALLPLUS_METHODS = [
  'startCamera',
  'stopCamera',
  'switchCamera',
  'startMicrophone',
  'stopMicrophone',
  'enableMicrophone',
  'inviteUsers',
  'requestChangeMediaType',
  'getCallRecordsFromServer',
  'deleteCallRecordsFromServer',
  'setCallPlusPushConfig',
] as const;
