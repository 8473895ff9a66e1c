/**
 * OpenCall-only administration endpoints (signed like the RongCloud ones), under `/opencall/`.
 * `/opencall/app/service.json`: switch the app's audio / video call services (`0|1`); calls of a
 * switched-off media type end with SERVICE_NOT_OPENED (104).
 */
import { AppServiceBody, type AppServiceReply } from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppPatch } from '../../../ports/index.js';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { ServerApiFailure, sendOk } from './server-api-failure.js';
import { validateBody } from './validate-body.js';

export function registerAppServiceRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  scope.post('/opencall/app/service.json', async (request, reply) => {
    const body = validateBody(AppServiceBody, request.body);
    if (body.audio === undefined && body.video === undefined) throw ServerApiFailure.param('audio', 'or video is required');
    // Only the switches are written, so a concurrent change of the secret (a rotation) is not undone.
    const appKey = requestApp(request).appKey;
    const patch: AppPatch = {};
    if (body.audio !== undefined) patch.audioCallEnabled = body.audio === 1;
    if (body.video !== undefined) patch.videoCallEnabled = body.video === 1;
    await deps.storage.apps.update(appKey, patch);
    deps.onAppChanged?.(appKey);
    const updated = (await deps.storage.apps.get(appKey)) ?? requestApp(request);
    const fields: Omit<AppServiceReply, 'code'> = {
      audio: updated.audioCallEnabled ? 1 : 0,
      video: updated.videoCallEnabled ? 1 : 0,
    };
    return sendOk(reply, fields);
  });
}
