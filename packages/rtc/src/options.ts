/** Validation of `IRCRTCInitOptions`: wrong types throw, numeric ranges are clamped like RTCLib. */
import { LogLevel } from '@opencall/protocol';
import type { IRCRTCInitOptions } from './types.js';

/** Options after validation, with defaults applied. */
export interface ResolvedRtcOptions {
  mediaServer: string | undefined;
  timeout: number;
  pingGap: number;
  statsReportInterval: number;
  logLevel: LogLevel | undefined;
  logStdout: ((level: LogLevel, content: string) => void) | undefined;
  sdpSemantics: 'plan-b' | 'unified-plan';
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_PING_GAP_MS = 10_000;
export const DEFAULT_STATS_REPORT_INTERVAL_MS = 1000;

/** Thrown by the installer's `setup` on invalid options. */
export class RtcOptionsError extends Error {
  constructor(message: string) {
    super(`[RCRTC installer setup] ${message}`);
    this.name = 'RtcOptionsError';
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function checkNumber(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RtcOptionsError(`${name} must be a finite number`);
  return clamp(value, min, max);
}

/** Validates the installer options. Throws `RtcOptionsError` naming the offending option. */
export function resolveRtcOptions(options: unknown): ResolvedRtcOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new RtcOptionsError('options must be an object');
  const o = options as Record<keyof IRCRTCInitOptions, unknown>;

  if (o.mediaServer !== undefined && typeof o.mediaServer !== 'string') throw new RtcOptionsError('mediaServer must be a string');
  if (o.logLevel !== undefined && !Object.values(LogLevel).includes(o.logLevel as LogLevel)) {
    throw new RtcOptionsError('logLevel must be a LogLevel value');
  }
  if (o.logStdout !== undefined && typeof o.logStdout !== 'function') throw new RtcOptionsError('logStdout must be a function');
  if (o.sdpSemantics !== undefined && o.sdpSemantics !== 'plan-b' && o.sdpSemantics !== 'unified-plan') {
    throw new RtcOptionsError("sdpSemantics must be 'plan-b' or 'unified-plan'");
  }

  return {
    mediaServer: o.mediaServer as string | undefined,
    timeout: checkNumber('timeout', o.timeout, 5000, 30_000, DEFAULT_TIMEOUT_MS),
    pingGap: checkNumber('pingGap', o.pingGap, 3000, 10_000, DEFAULT_PING_GAP_MS),
    statsReportInterval: checkNumber('statsReportInterval', o.statsReportInterval, 200, 60_000, DEFAULT_STATS_REPORT_INTERVAL_MS),
    logLevel: o.logLevel as LogLevel | undefined,
    logStdout: o.logStdout as ResolvedRtcOptions['logStdout'],
    sdpSemantics: (o.sdpSemantics as ResolvedRtcOptions['sdpSemantics'] | undefined) ?? 'unified-plan',
  };
}
