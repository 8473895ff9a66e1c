/**
 * What the server says at start about its development helpers (`/dev/token`, `/debug/heap*`): a
 * banner when the token helper is on, a warning when a helper is on while `HOST` is not loopback,
 * and why a helper asked for in production stays off.
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import { isLoopbackBindHost } from './loopback-guard.js';

export interface DevHelperNotice {
  level: 'error' | 'warn';
  message: string;
}

type NoticeConfig = Pick<ServerConfig, 'host' | 'devTokens' | 'debugHeap' | 'devHelpersRefused'>;

/** The log lines for `config`, in order. Pure. */
export function devHelperNotices(config: NoticeConfig): DevHelperNotice[] {
  const notices: DevHelperNotice[] = config.devHelpersRefused.map((name) => ({
    level: 'error',
    message: `${name}=1 ignored: NODE_ENV is production, where development helpers are never turned on`,
  }));
  if (config.devTokens) {
    notices.push({
      level: 'warn',
      message:
        'dev token helper is ON: GET /dev/token issues a token for any user of the default app; local development only, never expose this server',
    });
  }
  if (config.debugHeap) {
    notices.push({ level: 'warn', message: 'OPENCALL_DEBUG_HEAP=1: /debug/heap and /debug/heap-snapshot are on (loopback only)' });
  }
  if ((config.devTokens || config.debugHeap) && !isLoopbackBindHost(config.host)) {
    notices.push({
      level: 'warn',
      message: `HOST=${config.host} is not a loopback address while development helpers are on: they still answer loopback callers only, but this server must not be reachable from a network`,
    });
  }
  return notices;
}

const BANNER = [
  '',
  '  ************************************************************************',
  '  *  The dev token helper is ON: GET /dev/token hands out a token        *',
  '  *  for ANY user id of the default app (the demo page uses it).         *',
  '  *  Local development only: NEVER expose this server to a network.      *',
  '  *  It answers loopback callers only. Turn it off with                  *',
  '  *  OPENCALL_DEV_TOKENS=0 (it is always off with NODE_ENV=production).  *',
  '  ************************************************************************',
  '',
  '',
].join('\n');

/** Logs the notices, and prints the banner to stdout when the token helper is on. */
export function announceDevHelpers(config: NoticeConfig, logger: Logger, stdout: { write(text: string): unknown } = process.stdout): void {
  for (const notice of devHelperNotices(config)) logger[notice.level](notice.message);
  if (config.devTokens) stdout.write(BANNER);
}
