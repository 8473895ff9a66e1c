import { describe, expect, it } from 'vitest';
import { formatDuration, resolveLang, TEXTS } from './texts.js';

describe('texts', () => {
  it('zh-CN and en have the same keys', () => {
    expect(Object.keys(TEXTS['zh-CN']).sort()).toEqual(Object.keys(TEXTS.en).sort());
    expect(Object.keys(TEXTS['zh-CN'].quality).sort()).toEqual(Object.keys(TEXTS.en.quality).sort());
  });

  it('resolves language tags', () => {
    expect(resolveLang('zh')).toBe('zh-CN');
    expect(resolveLang('zh-TW')).toBe('zh-CN');
    expect(resolveLang('en-GB')).toBe('en');
    expect(resolveLang('fr')).toBe('en');
    expect(resolveLang(undefined)).toBe('en');
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_900)).toBe('1:01');
    expect(formatDuration(3_600_000 + 5_000)).toBe('1:00:05');
    expect(formatDuration(-5)).toBe('0:00');
  });
});
