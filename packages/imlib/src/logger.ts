/** Console logger filtered by IMLib's `LogL` level. */
import { LogL, LogLevel } from '@opencall/protocol';
import type { PluginLogger } from './plugin-context.js';

/** IMLib 5 `logStdout`: receives every log line at or above the output level instead of the console. */
export type LogStdout = (level: LogL, content: string) => void;

export interface LoggerOptions {
  level: LogL;
  tag: string;
  stdout?: LogStdout;
}

/** `LogL` from the deprecated `LogLevel` (DEBUG 0 … ERROR 3, FATAL 4; STATISTICS 6 and NONE 1000 log only fatal errors). */
export function logLFromLegacyLevel(level: LogLevel): LogL {
  switch (level) {
    case LogLevel.DEBUG:
      return LogL.DEBUG;
    case LogLevel.INFO:
      return LogL.INFO;
    case LogLevel.WARN:
      return LogL.WARN;
    case LogLevel.ERROR:
      return LogL.ERROR;
    case LogLevel.FATAL:
    case LogLevel.STATISTICS:
    case LogLevel.NONE:
      return LogL.FATAL;
  }
}

/** A `PluginLogger` whose output level can change after creation (`init` sets it). */
export class LevelLogger implements PluginLogger {
  constructor(private options: LoggerOptions) {}

  configure(options: Partial<LoggerOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** A logger with another tag sharing this one's level and output. */
  child(tag: string): PluginLogger {
    return {
      debug: (...a) => this.write(LogL.DEBUG, tag, a),
      info: (...a) => this.write(LogL.INFO, tag, a),
      warn: (...a) => this.write(LogL.WARN, tag, a),
      error: (...a) => this.write(LogL.ERROR, tag, a),
    };
  }

  debug(...args: unknown[]): void {
    this.write(LogL.DEBUG, this.options.tag, args);
  }
  info(...args: unknown[]): void {
    this.write(LogL.INFO, this.options.tag, args);
  }
  warn(...args: unknown[]): void {
    this.write(LogL.WARN, this.options.tag, args);
  }
  error(...args: unknown[]): void {
    this.write(LogL.ERROR, this.options.tag, args);
  }

  private write(level: LogL, tag: string, args: unknown[]): void {
    if (level > this.options.level) return;
    const { stdout } = this.options;
    if (stdout !== undefined) {
      try {
        stdout(level, `[${tag}] ${args.map(describe).join(' ')}`);
      } catch {
        // An app's log sink must not break the SDK.
      }
      return;
    }
    const line = [`[${tag}]`, ...args];
    if (level <= LogL.ERROR) console.error(...line);
    else if (level === LogL.WARN) console.warn(...line);
    else if (level === LogL.INFO) console.info(...line);
    else console.debug(...line);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
