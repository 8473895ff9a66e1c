/** Overview, live calls (kick, end), call records, one call (JSON and CSV) and usage per day. */
import {
  ConsoleAppQuery,
  ConsoleCallParams,
  ConsoleCallSearchQuery,
  ConsoleEndCallBody,
  ConsoleKickBody,
  ConsoleRangeQuery,
  ConsoleUsageQuery,
  RCCallEndReason,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import type { CallSearch } from '../../../ports/index.js';
import { listLiveCalls } from '../../../services/console/live-calls.js';
import { samplesToCsv } from '../../../services/console/samples-csv.js';
import type { ConsoleDeps } from './console-deps.js';
import { ConsoleFailure, parseInput, required } from './console-failure.js';

/** Longest overview range (ms). */
const MAX_RANGE_MS = 31 * 86_400_000;

/** End reason code → name (the page shows names from this one table). */
const END_REASON_NAMES = Object.fromEntries(
  Object.entries(RCCallEndReason)
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => [value, name]),
);

export function registerConsoleCallRoutes(scope: FastifyInstance, deps: ConsoleDeps, defaultAppKey: string): void {
  scope.get('/api/meta', async () => ({
    endReasons: END_REASON_NAMES,
    parts: {
      queries: deps.queries !== undefined,
      callDetail: deps.loadCallDetail !== undefined,
      appAdmin: deps.appAdmin !== undefined,
      deliveries: deps.deliveries !== undefined,
    },
  }));

  scope.get('/api/overview', async (request) => {
    const range = parseInput(ConsoleRangeQuery, request.query);
    if (range.to <= range.from || range.to - range.from > MAX_RANGE_MS)
      throw ConsoleFailure.param('to', 'must be after from, at most 31 days');
    const liveCalls = await listLiveCalls(deps.storage.activeCalls, range.appKey, deps.logger);
    const devices = deps.live.devices(range.appKey).filter((d) => d.attached);
    const live = { calls: liveCalls.length, users: new Set(devices.map((d) => d.userId)).size, devices: devices.length };
    const stored = deps.queries ? await deps.queries.overview(range) : undefined;
    return { live, stored };
  });

  scope.get('/api/live', async (request) => {
    const { appKey } = parseInput(ConsoleAppQuery, request.query);
    return { calls: await listLiveCalls(deps.storage.activeCalls, appKey, deps.logger) };
  });

  scope.post('/api/live/kick', async (request) => {
    const { appKey, callId, userId } = parseInput(ConsoleKickBody, request.body);
    const room = await deps.rtc.room(appKey, callId);
    if (!room?.members.some((m) => m.userId === userId)) throw ConsoleFailure.notFound(`user ${userId} in call ${callId}`);
    deps.rtc.kick(appKey, callId, [userId]);
    return { ok: true };
  });

  scope.post('/api/live/end', async (request) => {
    const { appKey, callId } = parseInput(ConsoleEndCallBody, request.body);
    if (!(await deps.storage.activeCalls.get(appKey, callId))) throw ConsoleFailure.notFound(`live call ${callId}`);
    deps.rtc.destroy(appKey, callId);
    return { ok: true };
  });

  scope.get('/api/calls', async (request) => {
    const query = parseInput(ConsoleCallSearchQuery, request.query);
    // Only the filters given (the port's optional fields are absent, not undefined).
    const search = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as unknown as CallSearch;
    return required(deps.queries, 'call search').search(search);
  });

  const loadDetail = async (params: unknown, query: unknown) => {
    const { callId } = parseInput(ConsoleCallParams, params);
    const appKey = parseInput(ConsoleAppQuery, { appKey: defaultAppKey, ...(query as object) }).appKey;
    const detail = await required(deps.loadCallDetail, 'call detail')(appKey, callId);
    if (!detail) throw ConsoleFailure.notFound(`call ${callId}`);
    return detail;
  };

  scope.get('/api/calls/:callId', async (request) => loadDetail(request.params, request.query));

  scope.get('/api/calls/:callId/samples.csv', async (request, reply) => {
    const detail = await loadDetail(request.params, request.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="call-${detail.call.callId}.csv"`)
      .send(samplesToCsv(detail.samples));
  });

  scope.get('/api/usage', async (request) => {
    const { appKey, fromDay, toDay } = parseInput(ConsoleUsageQuery, request.query);
    if (toDay < fromDay) throw ConsoleFailure.param('toDay', 'must not be before fromDay');
    return { days: await required(deps.queries, 'usage').usagePerDay(appKey, fromDay, toDay) };
  });
}
