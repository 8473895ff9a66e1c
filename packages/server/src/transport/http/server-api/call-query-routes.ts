/**
 * OpenCall's read API over stored calls (README "Server API" → "Call records and usage"), signed
 * like every server-API endpoint: `/call/query.json` (search, paged), `/call/info.json` (one call;
 * 40004 when the App Key has no such call) and `/call/usage.json` (per UTC day). The console runs
 * the same {@link StoredCallQueries}.
 */
import {
  CallInfoBody,
  type CallInfoReply,
  CallQueryBody,
  type CallQueryReply,
  CallUsageBody,
  type CallUsageReply,
  type CallView,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import type { CallDetail, CallSummary } from '../../../ports/insights.js';
import { DayRangeError } from '../../../services/insights/utc-days.js';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { ServerApiFailure, sendOk } from './server-api-failure.js';
import { validateBody, validateOptionalBody } from './validate-body.js';

const DEFAULT_PAGE_SIZE = 20;

/** A stored call without its App Key (the caller signed for it). */
function callView({ appKey: _appKey, ...call }: CallSummary): CallView {
  return call;
}

/** The call and its participants from the telemetry's detail (events and samples stay in the console). */
function detailView(detail: CallDetail): CallInfoReply['call'] {
  const { appKey: _appKey, ...call } = detail.call;
  return { ...call, participants: detail.participants.map(({ candidateTypes: _candidates, ...participant }) => participant) };
}

export function registerCallQueryRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  const queries = deps.storage.callQueries;

  scope.post('/call/query.json', async (request, reply) => {
    const body = validateOptionalBody(CallQueryBody, request.body);
    if (body.startTime !== undefined && body.endTime !== undefined && body.endTime <= body.startTime) {
      throw ServerApiFailure.param('endTime', 'must be after startTime');
    }
    if (body.minDuration !== undefined && body.maxDuration !== undefined && body.maxDuration < body.minDuration) {
      throw ServerApiFailure.param('maxDuration', 'must not be below minDuration');
    }
    const result = await queries.search({
      appKey: requestApp(request).appKey,
      ...(body.userId !== undefined ? { userId: body.userId } : {}),
      ...(body.startTime !== undefined ? { from: body.startTime } : {}),
      ...(body.endTime !== undefined ? { to: body.endTime } : {}),
      ...(body.endReason !== undefined ? { endReason: body.endReason } : {}),
      ...(body.minDuration !== undefined ? { minDurationMs: body.minDuration } : {}),
      ...(body.maxDuration !== undefined ? { maxDurationMs: body.maxDuration } : {}),
      ...(body.minMos !== undefined ? { minMos: body.minMos } : {}),
      ...(body.maxMos !== undefined ? { maxMos: body.maxMos } : {}),
      page: body.page ?? 1,
      size: body.pageSize ?? DEFAULT_PAGE_SIZE,
    });
    const fields: Omit<CallQueryReply, 'code'> = { total: result.total, calls: result.calls.map(callView) };
    return sendOk(reply, fields);
  });

  scope.post('/call/info.json', async (request, reply) => {
    const { callId } = validateBody(CallInfoBody, request.body);
    const { appKey } = requestApp(request);
    const detail = deps.callDetail ? await deps.callDetail(appKey, callId) : undefined;
    // Without a detail (no loader wired, or none for this id) the stored record answers.
    const call = detail ? detailView(detail) : await queries.get(appKey, callId).then((summary) => summary && callView(summary));
    if (!call) throw ServerApiFailure.callNotFound(callId);
    const fields: Omit<CallInfoReply, 'code'> = { call };
    return sendOk(reply, fields);
  });

  scope.post('/call/usage.json', async (request, reply) => {
    const body = validateBody(CallUsageBody, request.body);
    try {
      const days = await queries.usagePerDay(requestApp(request).appKey, body.startDate, body.endDate);
      const fields: Omit<CallUsageReply, 'code'> = { days };
      return sendOk(reply, fields);
    } catch (error) {
      if (error instanceof DayRangeError) throw ServerApiFailure.badBody(error.message);
      throw error;
    }
  });
}
