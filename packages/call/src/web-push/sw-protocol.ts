/**
 * What the page (`RCCallWebPush`, enable-web-push.ts) and the service worker (service-worker.ts) say
 * to each other, and the names both use. Kept in one place so the two bundles agree.
 */

/** What the service worker keeps (Cache Storage) to decline calls and to open the app. */
export interface WebPushWorkerConfig {
  /** The OpenCall server's origin (`https://calls.example.com`). */
  serverUrl: string;
  /** The subscription's decline token (`POST /webpush/decline`). */
  declineToken: string;
  /** The page Accept opens (the call id is added as `?opencallAnswer=<callId>`). */
  appUrl: string;
}

/** Page → worker messages. */
export type PageToWorker =
  | { type: 'opencall-webpush-config'; config: WebPushWorkerConfig }
  /** Act on a call notification as its buttons do (for in-page controls and tests). */
  | { type: 'opencall-webpush-action'; callId: string; action: NotificationAction };

export type NotificationAction = 'accept' | 'decline';

/** The query parameter that carries the call id to answer into the app. */
export const ANSWER_PARAM = 'opencallAnswer';
/** The Cache Storage cache and key the worker keeps its config under. */
export const CONFIG_CACHE = 'opencall-webpush';
export const CONFIG_KEY = '/opencall-webpush-config';
/** Default service worker URL (served by the OpenCall server; same origin as the page required). */
export const DEFAULT_SERVICE_WORKER_URL = '/sdk/opencall-sw.js';
