import { describe, expect, it } from 'vitest';
import { TrackStateBook } from './track-state-book.js';

describe('TrackStateBook', () => {
  it('keeps our mutes until the track is unpublished', () => {
    const book = new TrackStateBook();
    book.setLocalMuted('a', true);
    expect(book.isLocalMuted('a')).toBe(true);
    book.setLocalMuted('a', false);
    expect(book.isLocalMuted('a')).toBe(false);
    book.setLocalMuted('a', true);
    book.forgetLocal('a');
    expect(book.isLocalMuted('a')).toBe(false);
  });

  it('reports a known track at once and keeps the state of one not yet announced, once', () => {
    const book = new TrackStateBook();
    expect(book.remoteStateArrived('known', true, true)).toBe(true);
    expect(book.takePending('known', false)).toBe(false);
    expect(book.remoteStateArrived('early', true, false)).toBe(false);
    expect(book.isRemoteMuted('early')).toBe(true);
    expect(book.takePending('early', false)).toBe(true);
    expect(book.takePending('early', false)).toBe(false);
    book.remoteStateArrived('early', false, true);
    expect(book.isRemoteMuted('early')).toBe(false);
  });
});
