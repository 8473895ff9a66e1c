/**
 * The fake transport's "SDP": valid-looking SDP (starts with `v=0\r\n`) whose only payload is the
 * sender's published track list on an `a=x-opencall-tracks:<json>` line.
 */
import type { TrackKind } from '../../ids.js';

export interface FakeTrackEntry {
  tag: string;
  kind: TrackKind;
  trackId: string;
  muted: boolean;
}

const TRACKS_PREFIX = 'a=x-opencall-tracks:';

export function encodeFakeSdp(tracks: readonly FakeTrackEntry[]): string {
  return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=opencall-fake', 't=0 0', `${TRACKS_PREFIX}${JSON.stringify(tracks)}`, ''].join('\r\n');
}

/** The track list of a fake SDP, or `undefined` when `sdp` is not one. Ignores malformed entries. */
export function decodeFakeSdp(sdp: string | undefined): FakeTrackEntry[] | undefined {
  if (!sdp?.startsWith('v=0\r\n')) return undefined;
  const line = sdp.split('\r\n').find((l) => l.startsWith(TRACKS_PREFIX));
  if (!line) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(TRACKS_PREFIX.length));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed.filter(
    (e): e is FakeTrackEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.tag === 'string' &&
      (e.kind === 'audio' || e.kind === 'video') &&
      typeof e.trackId === 'string' &&
      typeof e.muted === 'boolean',
  );
}
