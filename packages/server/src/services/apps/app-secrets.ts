/** Which secrets of an app sign its tokens and server-API requests, across a secret rotation. */
import type { AppRecord } from '../../ports/index.js';

/** Whether the app's previous secret (after a rotation) is still accepted at `now`. */
export function previousSecretValid(app: AppRecord, now: number): app is AppRecord & { previousSecret: string } {
  return app.previousSecret !== undefined && app.previousSecretUntil !== undefined && now < app.previousSecretUntil;
}

/** The secrets that verify a signature of `app` at `now`: the current one, then the previous one in its grace period. */
export function acceptedSecrets(app: AppRecord, now: number): string[] {
  return previousSecretValid(app, now) ? [app.appSecret, app.previousSecret] : [app.appSecret];
}
