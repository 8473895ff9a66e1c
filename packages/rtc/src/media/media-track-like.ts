/**
 * The part of `MediaStreamTrack` the RTC library uses. Real browser tracks satisfy it; the fake
 * media used in Node implements it.
 */
export interface MediaTrackLike {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  enabled: boolean;
  readonly readyState: 'live' | 'ended';
  stop(): void;
  addEventListener(type: 'ended', listener: () => void): void;
  removeEventListener(type: 'ended', listener: () => void): void;
  getSettings?(): MediaTrackSettings;
}

/** Whether `value` looks like a `MediaStreamTrack` of `kind`. */
export function isMediaTrackLike(value: unknown, kind?: 'audio' | 'video'): value is MediaTrackLike {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<MediaTrackLike>;
  return typeof t.id === 'string' && typeof t.stop === 'function' && (kind === undefined || t.kind === kind);
}
