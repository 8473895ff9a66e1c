/**
 * Which screen CallKit shows. One table; `CallKitController` moves only through `next`.
 *
 *            ring                 accept                connected
 *   idle ───────────▶ incoming ───────────▶ connecting ───────────▶ active
 *     │ dial                                                          │
 *     ▼        connected                                              │ end
 *   outgoing ─────────────────────────────────────────────▶ active    ▼
 *     │ end (from incoming, connecting, outgoing, active)          ended
 *     └──────────────────────────────────────────────────────▶ ended ──dismiss──▶ idle
 *   ended also takes ring / dial (a new call replaces the end screen).
 */
import { defineMachine } from '@opencall/protocol';

export type ViewState = 'idle' | 'incoming' | 'outgoing' | 'connecting' | 'active' | 'ended';
export type ViewEvent = 'ring' | 'dial' | 'accept' | 'connected' | 'end' | 'dismiss';

export const VIEW_TABLE = {
  idle: { ring: 'incoming', dial: 'outgoing' },
  incoming: { accept: 'connecting', end: 'ended' },
  outgoing: { connected: 'active', end: 'ended' },
  connecting: { connected: 'active', end: 'ended' },
  active: { end: 'ended' },
  ended: { dismiss: 'idle', ring: 'incoming', dial: 'outgoing' },
} as const satisfies Record<ViewState, Partial<Record<ViewEvent, ViewState>>>;

export const viewMachine = defineMachine<ViewState, ViewEvent>('callkit-view', VIEW_TABLE);
