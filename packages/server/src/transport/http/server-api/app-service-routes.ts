/**
 * OpenCall-only administration endpoints (signed like the RongCloud ones), under `/opencall/`.
 * `/opencall/app/service.json`: switch the app's audio / video call services (`0|1`); calls of a
 * switched-off media type end with SERVICE_NOT_OPENED (104).
 */
import { AppServiceBody, type AppServiceReply } from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { ServerApiFailure, sendOk } from './server-api-failure.js';
import { validateBody } from './validate-body.js';

export function registerAppServiceRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  scope.post('/opencall/app/service.json', async (request, reply) => {
    const body = validateBody(AppServiceBody, request.body);
    if (body.audio === undefined && body.video === undefined) throw ServerApiFailure.param('audio', 'or video is required');
    // Re-read so a concurrent change of the other switch (or the secret) is not overwritten.
    const app = (await deps.storage.apps.get(requestApp(request).appKey)) ?? requestApp(request);
    const updated = {
      ...app,
      audioCallEnabled: body.audio === undefined ? app.audioCallEnabled : body.audio === 1,
      videoCallEnabled: body.video === undefined ? app.videoCallEnabled : body.video === 1,
    };
    await deps.storage.apps.upsert(updated);
    deps.onAppChanged?.(updated.appKey);
    const fields: Omit<AppServiceReply, 'code'> = {
      audio: updated.audioCallEnabled ? 1 : 0,
      video: updated.videoCallEnabled ? 1 : 0,
    };
    return sendOk(reply, fields);
  });
}
