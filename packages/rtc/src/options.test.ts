import { LogLevel } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PING_GAP_MS,
  DEFAULT_STATS_REPORT_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  RtcOptionsError,
  resolveRtcOptions,
} from './options.js';

describe('resolveRtcOptions', () => {
  it('applies defaults', () => {
    expect(resolveRtcOptions(undefined)).toMatchObject({
      timeout: DEFAULT_TIMEOUT_MS,
      pingGap: DEFAULT_PING_GAP_MS,
      statsReportInterval: DEFAULT_STATS_REPORT_INTERVAL_MS,
      sdpSemantics: 'unified-plan',
    });
  });
  it('accepts every documented option', () => {
    const logStdout = () => undefined;
    const o = resolveRtcOptions({
      mediaServer: 'http://localhost:8080',
      timeout: 8000,
      pingGap: 5000,
      statsReportInterval: 250,
      logLevel: LogLevel.WARN,
      logStdout,
      sdpSemantics: 'plan-b',
      pullInnerCDNProtocol: 'flv',
    });
    expect(o).toEqual({
      mediaServer: 'http://localhost:8080',
      timeout: 8000,
      pingGap: 5000,
      statsReportInterval: 250,
      logLevel: LogLevel.WARN,
      logStdout,
      sdpSemantics: 'plan-b',
    });
  });
  it('clamps numeric options into their documented ranges', () => {
    expect(resolveRtcOptions({ timeout: 100, pingGap: 60_000 })).toMatchObject({ timeout: 5000, pingGap: 10_000 });
    expect(resolveRtcOptions({ statsReportInterval: 1 })).toMatchObject({ statsReportInterval: 200 });
  });
  it.each([
    ['options not an object', 'x', 'options must be an object'],
    ['mediaServer', { mediaServer: 1 }, 'mediaServer'],
    ['timeout', { timeout: '5000' }, 'timeout'],
    ['pingGap NaN', { pingGap: Number.NaN }, 'pingGap'],
    ['logLevel', { logLevel: 7 }, 'logLevel'],
    ['logStdout', { logStdout: 'console' }, 'logStdout'],
    ['sdpSemantics', { sdpSemantics: 'plan-c' }, 'sdpSemantics'],
  ])('throws on a bad %s', (_name, options, message) => {
    expect(() => resolveRtcOptions(options)).toThrow(RtcOptionsError);
    expect(() => resolveRtcOptions(options)).toThrow(message);
  });
});
