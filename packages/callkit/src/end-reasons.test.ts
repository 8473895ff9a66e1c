import { RCCallEndReason } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { END_REASONS_EN, END_REASONS_ZH_CN } from './end-reasons.js';
import { endReasonText, TEXTS } from './texts.js';

/** Every numeric value of the enum (TS numeric enums also map value → name). */
const values = Object.values(RCCallEndReason).filter((v): v is number => typeof v === 'number');

describe('end reasons in words', () => {
  it('the enum has the 32 CallLib reasons', () => {
    expect(values).toHaveLength(32);
  });

  it.each(values)('reason %i has an en and a zh-CN text, distinct from the fallback', (value) => {
    const en = endReasonText(TEXTS.en, RCCallEndReason, value);
    const zh = endReasonText(TEXTS['zh-CN'], RCCallEndReason, value);
    expect(en).not.toBe(TEXTS.en.unknownReason);
    expect(zh).not.toBe(TEXTS['zh-CN'].unknownReason);
    expect(en.length).toBeGreaterThan(3);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('each table has exactly the enum names, and no two reasons share a text', () => {
    const names = Object.keys(RCCallEndReason).filter((k) => Number.isNaN(Number(k)));
    for (const table of [END_REASONS_EN, END_REASONS_ZH_CN]) {
      expect(Object.keys(table).sort()).toEqual([...names].sort());
      expect(new Set(Object.values(table)).size).toBe(names.length);
    }
  });

  it('an unknown or missing reason says the call ended', () => {
    expect(endReasonText(TEXTS.en, RCCallEndReason, 999)).toBe('The call ended');
    expect(endReasonText(TEXTS.en, RCCallEndReason, null)).toBe('The call ended');
    expect(endReasonText(TEXTS['zh-CN'], RCCallEndReason, undefined)).toBe('通话已结束');
  });

  it('REMOTE_REJECT and HANGUP read as a person would say them', () => {
    expect(endReasonText(TEXTS.en, RCCallEndReason, RCCallEndReason.REMOTE_REJECT)).toBe('The call was declined');
    expect(endReasonText(TEXTS['zh-CN'], RCCallEndReason, RCCallEndReason.HANGUP)).toBe('已挂断');
  });
});
