/** The RTC logger: honours `logLevel` / `logStdout`, else forwards to IMLib's plugin logger. */

import type { PluginLogger } from '@opencall/imlib';
import { LogLevel } from '@opencall/protocol';

export interface RtcLogger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

function render(message: string, details: unknown[]): string {
  if (details.length === 0) return message;
  const parts = details.map((d) => {
    if (d instanceof Error) return `${d.name}: ${d.message}`;
    try {
      return typeof d === 'string' ? d : JSON.stringify(d);
    } catch {
      return String(d);
    }
  });
  return `${message} ${parts.join(' ')}`;
}

export function createRtcLogger(
  base: PluginLogger | undefined,
  level: LogLevel | undefined,
  stdout: ((level: LogLevel, content: string) => void) | undefined,
): RtcLogger {
  const threshold = level ?? LogLevel.DEBUG;
  const write = (at: LogLevel, method: keyof PluginLogger, message: string, details: unknown[]) => {
    if (at < threshold) return;
    const line = `[RCRTC] ${message}`;
    if (stdout) {
      try {
        stdout(at, render(line, details));
      } catch {
        // an app's log sink must not break the RTC client
      }
      return;
    }
    base?.[method](line, ...details);
  };
  return {
    debug: (m, ...d) => write(LogLevel.DEBUG, 'debug', m, d),
    info: (m, ...d) => write(LogLevel.INFO, 'info', m, d),
    warn: (m, ...d) => write(LogLevel.WARN, 'warn', m, d),
    error: (m, ...d) => write(LogLevel.ERROR, 'error', m, d),
  };
}
