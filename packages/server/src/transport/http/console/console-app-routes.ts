/** Apps (keys, rotate secret, services, disable, callbacks, create) and webhook deliveries (list, replay). */
import {
  ConsoleCallbacksBody,
  ConsoleCreateAppBody,
  ConsoleDeliveriesQuery,
  ConsoleDisableBody,
  ConsoleReplayBody,
  ConsoleRotateBody,
  ConsoleServicesBody,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import type { ManagedApp } from '../../../ports/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { ConsoleFailure, parseInput, required } from './console-failure.js';

export function registerConsoleAppRoutes(scope: FastifyInstance, deps: ConsoleDeps, defaultAppKey: string): void {
  const admin = () => required(deps.appAdmin, 'app administration');

  /** Without the app administration, the one default app (enough for the app selector). */
  const listApps = async (): Promise<ManagedApp[]> => {
    if (deps.appAdmin) return deps.appAdmin.list();
    const app = await deps.storage.apps.get(defaultAppKey);
    if (!app) return [];
    return [
      {
        projectId: app.appKey,
        name: app.name,
        environment: 'production',
        appKey: app.appKey,
        createdAt: app.createdAt,
        disabled: false,
        audioCallEnabled: app.audioCallEnabled,
        videoCallEnabled: app.videoCallEnabled,
      },
    ];
  };

  scope.get('/api/apps', async () => ({ apps: await listApps(), defaultAppKey, manageable: deps.appAdmin !== undefined }));

  scope.post('/api/apps', async (request) => {
    const { name } = parseInput(ConsoleCreateAppBody, request.body);
    return admin().create(name);
  });

  scope.post('/api/apps/rotate-secret', async (request) => {
    const { appKey, graceMinutes } = parseInput(ConsoleRotateBody, request.body);
    return admin().rotateSecret(appKey, graceMinutes * 60_000);
  });

  scope.post('/api/apps/services', async (request) => {
    const { appKey, audio, video } = parseInput(ConsoleServicesBody, request.body);
    await admin().setServices(appKey, { ...(audio === undefined ? {} : { audio }), ...(video === undefined ? {} : { video }) });
    return { ok: true };
  });

  scope.post('/api/apps/disabled', async (request) => {
    const { appKey, disabled } = parseInput(ConsoleDisableBody, request.body);
    await admin().setDisabled(appKey, disabled);
    return { ok: true };
  });

  scope.post('/api/apps/callbacks', async (request) => {
    const { appKey, webhookUrl, rtcCallbackUrl } = parseInput(ConsoleCallbacksBody, request.body);
    await admin().setCallbacks(appKey, {
      ...(webhookUrl === undefined ? {} : { webhookUrl }),
      ...(rtcCallbackUrl === undefined ? {} : { rtcCallbackUrl }),
    });
    return { ok: true };
  });

  scope.get('/api/deliveries', async (request) => {
    const query = parseInput(ConsoleDeliveriesQuery, request.query);
    const options = {
      page: query.page,
      size: query.size,
      ...(query.appKey ? { appKey: query.appKey } : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    return required(deps.deliveries, 'webhook deliveries').list(options);
  });

  scope.post('/api/deliveries/replay', async (request) => {
    const { id } = parseInput(ConsoleReplayBody, request.body);
    if (!(await required(deps.deliveries, 'webhook deliveries').replay(id))) throw ConsoleFailure.notFound(`delivery ${id}`);
    return { ok: true };
  });
}
