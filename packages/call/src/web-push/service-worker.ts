/**
 * The OpenCall service worker (`/sdk/opencall-sw.js`, a bundle of its own): rings a closed tab.
 *
 * - `push` `call`: a persistent notification (tag = call id, `requireInteraction`) with Accept and
 *   Decline; a ring push read after its `ringDeadline` is stale and shows nothing new.
 * - `push` `hangup`: the call rang in vain: the ring notification is replaced by a missed-call one.
 * - `push` `close`: answered or declined elsewhere: the ring notification is closed (replaced by a
 *   quiet one only when no window of the app is visible, as browsers require a push to show something).
 * - Decline: `POST /webpush/decline` with the subscription's decline token; no page needed.
 * - Accept (or a click on the notification): sends a window of the app this worker controls to
 *   `appUrl?opencallAnswer=<callId>` and focuses it, or opens one there; the page answers
 *   (`RCCallWebPush.takeAnswerRequest`).
 */
import { WebPushMessage } from '@opencall/protocol';
import {
  ANSWER_PARAM,
  CONFIG_CACHE,
  CONFIG_KEY,
  type NotificationAction,
  type PageToWorker,
  type WebPushWorkerConfig,
} from './sw-protocol.js';

/** The parts of the worker's global scope used here (the DOM lib has no ServiceWorkerGlobalScope). */
interface WorkerNotification {
  tag: string;
  data: unknown;
  close(): void;
}
interface WindowClientLike {
  url: string;
  visibilityState: string;
  focus(): Promise<unknown>;
  navigate(url: string): Promise<unknown>;
}
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  data: { text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  action: string;
  notification: WorkerNotification;
}
interface MessageEventLike extends ExtendableEvent {
  data: unknown;
  ports: readonly MessagePort[];
}
interface WorkerScope {
  location: { href: string };
  registration: {
    showNotification(title: string, options: Record<string, unknown>): Promise<void>;
    getNotifications(filter?: { tag?: string }): Promise<WorkerNotification[]>;
  };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
}

declare const self: WorkerScope;

/** What a call notification keeps in its `data`. */
interface RingData {
  callId: string;
  ringDeadline: number;
}

const MEDIA_TEXT: Record<number, string> = { 1: 'Audio call', 2: 'Video call' };

async function loadConfig(): Promise<WebPushWorkerConfig | undefined> {
  const response = await (await caches.open(CONFIG_CACHE)).match(CONFIG_KEY);
  return response ? ((await response.json()) as WebPushWorkerConfig) : undefined;
}

async function saveConfig(config: WebPushWorkerConfig): Promise<void> {
  const body = JSON.stringify(config);
  await (await caches.open(CONFIG_CACHE)).put(CONFIG_KEY, new Response(body, { headers: { 'content-type': 'application/json' } }));
}

async function closeRing(callId: string): Promise<void> {
  for (const notification of await self.registration.getNotifications({ tag: callId })) notification.close();
}

async function anyVisibleWindow(): Promise<boolean> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.some((w) => w.visibilityState === 'visible');
}

async function onPush(text: string): Promise<void> {
  let parsed: ReturnType<typeof WebPushMessage.safeParse>;
  try {
    parsed = WebPushMessage.safeParse(JSON.parse(text));
  } catch {
    return;
  }
  if (!parsed.success) return;
  const message = parsed.data;
  const from = message.sender.name || message.sender.userId;
  switch (message.kind) {
    case 'call': {
      if (Date.now() > message.ringDeadline) return; // stale: the ring is over
      const data: RingData = { callId: message.callId, ringDeadline: message.ringDeadline };
      await self.registration.showNotification(message.title || from, {
        body: message.body || `${MEDIA_TEXT[message.mediaType ?? 1] ?? 'Call'} from ${from}`,
        tag: message.callId,
        renotify: true,
        requireInteraction: true,
        ...(message.sender.portraitUri ? { icon: message.sender.portraitUri } : {}),
        actions: [
          { action: 'accept', title: 'Accept' },
          { action: 'decline', title: 'Decline' },
        ],
        data,
      });
      return;
    }
    case 'hangup':
      await self.registration.showNotification(`Missed call from ${from}`, { tag: message.callId, body: message.body, data: null });
      return;
    case 'close':
      await closeRing(message.callId);
      if (!(await anyVisibleWindow())) {
        await self.registration.showNotification(`Call from ${from} ended`, { tag: message.callId, silent: true, data: null });
      }
      return;
  }
}

async function decline(callId: string): Promise<void> {
  await closeRing(callId);
  const config = await loadConfig();
  if (!config) return;
  const status = await fetch(new URL('/webpush/decline', config.serverUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${config.declineToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ callId }),
  }).then(
    (response) => response.status,
    () => 0,
  );
  // 404: the call stopped ringing meanwhile, nothing to tell. Anything else: the decline did not arrive.
  if (status !== 200 && status !== 404) {
    await self.registration.showNotification('Could not decline the call', { tag: callId, body: 'Open the app to end it.', data: null });
  }
}

async function accept(callId: string): Promise<void> {
  await closeRing(callId);
  const config = await loadConfig();
  const target = new URL(config?.appUrl ?? '/', self.location.href);
  target.searchParams.set(ANSWER_PARAM, callId);
  // A window of the app this worker controls (registered with scope `/`) is sent to the call;
  // otherwise a new window opens there.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: false });
  const app = windows.find((w) => new URL(w.url).pathname === target.pathname);
  if (app) {
    await app.navigate(target.href);
    await app.focus().catch(() => undefined); // refused without a user's click: the window is already on the call
    return;
  }
  await self.clients.openWindow(target.href);
}

function act(callId: string, action: NotificationAction): Promise<void> {
  return action === 'decline' ? decline(callId) : accept(callId);
}

self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  if (event.data) event.waitUntil(onPush(event.data.text()));
});

self.addEventListener('notificationclick', (event) => {
  const data = event.notification.data as RingData | null;
  event.notification.close();
  if (!data) return;
  const work = act(data.callId, event.action === 'decline' ? 'decline' : 'accept');
  try {
    event.waitUntil(work);
  } catch {
    // An event dispatched by script (DevTools, a test) cannot extend its lifetime; the work still runs.
  }
});

self.addEventListener('message', (event) => {
  const message = event.data as PageToWorker | undefined;
  const reply = (result: unknown) => event.ports[0]?.postMessage(result);
  if (message?.type === 'opencall-webpush-config') {
    event.waitUntil(saveConfig(message.config).then(() => reply({ ok: true })));
  } else if (message?.type === 'opencall-webpush-action') {
    event.waitUntil(act(message.callId, message.action).then(() => reply({ ok: true })));
  }
});
