import type { MediaTransport, MediaTransportEvents } from '../transport/media-transport.js';

/**
 * Records what a media transport tells the room, one line per event (`remoteTrackState t1 true`), so a
 * test can compare whole sequences.
 */
export function recordTransportEvents(transport: Pick<MediaTransport, 'on'>): string[] {
  const events: string[] = [];
  const on = <K extends keyof MediaTransportEvents>(name: K, format: (...args: MediaTransportEvents[K]) => string) =>
    transport.on(name, ((...args: MediaTransportEvents[K]) => events.push(`${name} ${format(...args)}`)) as never);
  on('peerJoined', (id) => id);
  on('peerLeft', (id) => id);
  on('remoteTrackPublished', (info) => `${info.trackId}${info.muted ? ' muted' : ''}`);
  on('remoteTrackMedia', (trackId) => trackId);
  on('remoteTrackUnpublished', (info) => info.trackId);
  on('remoteTrackState', (trackId, muted) => `${trackId} ${muted}`);
  on('connectionLost', (name) => name);
  return events;
}
