/** Id conventions shared by tracks, rooms and transports. */

/** `RCTag.DEFAULT`: the tag CallLib uses for its tracks. */
export const RCTag = { DEFAULT: 'RongCloudRTC' } as const;

export type TrackKind = 'audio' | 'video';

/** A tag: 1–64 characters of letters, digits, `_` and `-` (RTCLib rejects others with INVALID_TAGS). */
const TAG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && TAG_PATTERN.test(tag);
}

/** Stream id of a user's tag: `${userId}_${tag}`. */
export function streamIdOf(userId: string, tag: string): string {
  return `${userId}_${tag}`;
}

/** Track id: `${streamId}_${kind}`. */
export function trackIdOf(userId: string, tag: string, kind: TrackKind): string {
  return `${streamIdOf(userId, tag)}_${kind}`;
}

/**
 * The tag carried by a remote stream id. The owner is known from the link the stream came on, so
 * `${userId}_${tag}` is cut at the known user id; a bare tag (used when the stream id would not be
 * a valid SDP token) is accepted as is.
 */
export function tagFromStreamId(userId: string, streamId: string): string {
  const prefix = `${userId}_`;
  return streamId.startsWith(prefix) ? streamId.slice(prefix.length) : streamId;
}

/** A random id (crypto-based where available). */
export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}
