/**
 * `RCCallWebPush` (`/sdk/RCCallWebPush.js`, a bundle of its own, outside the core size budget): opt-in
 * ringing of a closed tab. `enable()` registers the service worker, subscribes this browser with the
 * server's VAPID key and registers the subscription for this device; `takeAnswerRequest()` tells the
 * page that a notification's Accept opened it for a call, so it answers that call when it rings.
 */
import { ANSWER_PARAM, DEFAULT_SERVICE_WORKER_URL, type PageToWorker, type WebPushWorkerConfig } from './sw-protocol.js';

export interface EnableWebPushOptions {
  /** The OpenCall server's origin, e.g. `https://calls.example.com` (its `/webpush/*` endpoints). */
  serverUrl: string;
  /** The signed-in user's IM token (the one given to `RongIMLib.connect`). */
  token: string;
  /** The service worker script; must be on the page's origin. Default `/sdk/opencall-sw.js`. */
  serviceWorkerUrl?: string;
  /**
   * The worker's scope. `/` (the server sends `Service-Worker-Allowed: /` with opencall-sw.js) lets
   * Accept send an open window of the app into the call instead of opening another one; leave it
   * unset when the app has a service worker of its own at `/` (that one would be replaced).
   */
  scope?: string;
  /** The page a notification's Accept opens (with `?opencallAnswer=<callId>`). Default: this page without its query. */
  appUrl?: string;
  /**
   * A subscription obtained elsewhere, registered instead of subscribing through `pushManager`
   * (a browser without a push service, e.g. a test with a stand-in push service).
   */
  subscription?: { endpoint: string; keys: { p256dh: string; auth: string } };
}

export interface WebPushRegistration {
  /** The push endpoint the server sends to. */
  endpoint: string;
  /** The device id the subscription is registered under (one per browser profile, kept in localStorage). */
  deviceId: string;
}

/** Web Push needs a device id that outlives the tab (IMLib's is per tab): one per browser profile. */
const DEVICE_KEY = 'OpenCallWebPushDeviceId';

function webPushDeviceId(): string {
  const stored = localStorage.getItem(DEVICE_KEY);
  if (stored && /^[A-Za-z0-9._:-]{1,64}$/.test(stored)) return stored;
  const id = `webpush-${crypto.randomUUID()}`;
  localStorage.setItem(DEVICE_KEY, id);
  return id;
}

async function serverJson(url: URL, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(
      `OpenCall web push: ${url.pathname} answered ${response.status} ${String(body.code ?? '')} ${String(body.message ?? '')}`,
    );
  return body;
}

/** Posts to the active worker and waits for its answer (bounded). */
function tellWorker(worker: ServiceWorker, message: PageToWorker, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('OpenCall web push: the service worker did not answer')), timeoutMs);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve();
    };
    worker.postMessage(message, [channel.port2]);
  });
}

/** Registers the service worker and this device's push subscription (asks for notification permission). */
export async function enable(options: EnableWebPushOptions): Promise<WebPushRegistration> {
  if (!('serviceWorker' in navigator) || typeof Notification === 'undefined') {
    throw new Error('OpenCall web push: this browser has no service workers or notifications (HTTPS required except on localhost)');
  }
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error(`OpenCall web push: notification permission ${permission}`);
  const url = options.serviceWorkerUrl ?? DEFAULT_SERVICE_WORKER_URL;
  await navigator.serviceWorker.register(url, options.scope === undefined ? {} : { scope: options.scope });
  const registration = await navigator.serviceWorker.ready;
  const server = options.serverUrl;
  let subscription = options.subscription;
  if (!subscription) {
    const { publicKey } = await serverJson(new URL('/webpush/vapid-public-key', server), {});
    const pushSubscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: String(publicKey) }));
    subscription = pushSubscription.toJSON() as NonNullable<EnableWebPushOptions['subscription']>;
  }
  const deviceId = webPushDeviceId();
  const { declineToken } = await serverJson(new URL('/webpush/subscriptions', server), {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId, subscription: { endpoint: subscription.endpoint, keys: subscription.keys } }),
  });
  const appUrl = options.appUrl ?? `${location.origin}${location.pathname}`;
  const config: WebPushWorkerConfig = { serverUrl: server, declineToken: String(declineToken), appUrl };
  if (!registration.active) throw new Error('OpenCall web push: the service worker is not active');
  await tellWorker(registration.active, { type: 'opencall-webpush-config', config });
  return { endpoint: subscription.endpoint, deviceId };
}

/** Removes this device's subscription from the server and unsubscribes the browser. */
export async function disable(options: Pick<EnableWebPushOptions, 'serverUrl' | 'token'>): Promise<void> {
  await serverJson(new URL('/webpush/subscriptions', options.serverUrl), {
    method: 'DELETE',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId: webPushDeviceId() }),
  });
  const registration = await navigator.serviceWorker.getRegistration();
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
}

/**
 * True once if this page was opened (or sent) by a notification's Accept for `callId`: call it in
 * `onSession` and `session.accept()` when it says so. Removes the request from the address bar, so a
 * reload does not answer again.
 */
export function takeAnswerRequest(callId: string): boolean {
  const url = new URL(location.href);
  if (url.searchParams.get(ANSWER_PARAM) !== callId) return false;
  url.searchParams.delete(ANSWER_PARAM);
  history.replaceState(history.state, '', url.href);
  return true;
}

/** Asks the service worker to act on `callId`'s notification as its button would (in-page controls, tests). */
export async function notificationAction(callId: string, action: 'accept' | 'decline'): Promise<void> {
  const registration = await navigator.serviceWorker.ready;
  if (!registration.active) throw new Error('OpenCall web push: the service worker is not active');
  await tellWorker(registration.active, { type: 'opencall-webpush-action', callId, action });
}
