/**
 * Drops call timelines, setup timings and quality samples older than the retention
 * (`OPENCALL_QUALITY_RETENTION_DAYS`, default 30): at start and then every `everyMs` (default 1 h), on
 * every node (deletes by age are idempotent). Call records keep their `quality_mos`.
 */
import type { Logger } from 'pino';
import type { TelemetryStore } from '../../ports/index.js';

export function startQualityRetention(
  store: Pick<TelemetryStore, 'prune'>,
  retentionDays: number,
  logger: Logger,
  options: { everyMs?: number; now?: () => number } = {},
): { stop(): void } {
  const now = options.now ?? Date.now;
  const prune = () => {
    store
      .prune(now() - retentionDays * 86_400_000)
      .then((count) => {
        if (count > 0) logger.info({ count, retentionDays }, 'dropped expired call quality data');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'dropping expired call quality data failed'));
  };
  const timer = setInterval(prune, options.everyMs ?? 3600_000);
  timer.unref?.();
  prune();
  return { stop: () => clearInterval(timer) };
}
