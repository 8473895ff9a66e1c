/**
 * App administration (ports/insights.ts `AppAdmin`), used by the console. A project (an "app" in the
 * console) has two App Keys, development and production, whose data are isolated because every
 * stored row is keyed by App Key. Each change is written to storage, then announced through
 * `onChanged` (app.ts invalidates the lookup caches on every node and applies a disable at once).
 */
import { randomBytes } from 'node:crypto';
import type { AppPatch, AppRecord, Storage } from '../../ports/index.js';
import type { AppAdmin, AppCredentials, AppEnvironment, ManagedApp } from '../../ports/insights.js';
import { checkTargetUrl } from '../webhooks/target-guard.js';
import { generateAppKey, generateAppSecret } from './default-app.js';

/** Longest grace period of a rotated secret: 30 days. */
export const MAX_SECRET_GRACE_MS = 30 * 86_400_000;
const MAX_NAME_LENGTH = 64;
const MAX_URL_LENGTH = 2048;

export type AppAdminErrorCode = 'unknown_app' | 'invalid_name' | 'invalid_grace' | 'invalid_url' | 'no_change';

/** A refused administrative request; `code` says which rule it broke. */
export class AppAdminError extends Error {
  override readonly name = 'AppAdminError';
  constructor(
    readonly code: AppAdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What an app's change means for the running servers. */
export interface AppChange {
  appKey: string;
  /** Set when the app was just disabled (connections close, calls end) or enabled. */
  disabled?: boolean;
}

export interface AppAdminOptions {
  /** Called after each committed change (cache invalidation, cluster broadcast, disable effects). */
  onChanged?: (change: AppChange) => void | Promise<void>;
  /** Per-app callback URLs may be private or loopback (OPENCALL_WEBHOOK_ALLOW_PRIVATE=1). */
  allowPrivateTargets?: boolean;
  now?: () => number;
}

function view(app: AppRecord, now: number): ManagedApp {
  const managed: ManagedApp = {
    projectId: app.projectId ?? app.appKey,
    name: app.name,
    environment: app.environment ?? 'production',
    appKey: app.appKey,
    createdAt: app.createdAt,
    disabled: app.disabled === true,
    audioCallEnabled: app.audioCallEnabled,
    videoCallEnabled: app.videoCallEnabled,
  };
  if (app.previousSecretUntil !== undefined && app.previousSecretUntil > now) managed.previousSecretValidUntil = app.previousSecretUntil;
  if (app.webhookUrl !== undefined) managed.webhookUrl = app.webhookUrl;
  if (app.rtcCallbackUrl !== undefined) managed.rtcCallbackUrl = app.rtcCallbackUrl;
  return managed;
}

function checkedName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH) {
    throw new AppAdminError('invalid_name', `app name must be 1–${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

function checkedUrl(field: string, url: string | null | undefined, allowPrivate: boolean): string | null | undefined {
  if (url === undefined || url === null) return url;
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH)
    throw new AppAdminError('invalid_url', `${field} must be a URL of at most ${MAX_URL_LENGTH} characters`);
  if (url === '') return null;
  try {
    checkTargetUrl(url, allowPrivate);
  } catch (error) {
    throw new AppAdminError('invalid_url', `${field}: ${(error as Error).message}`);
  }
  return url;
}

export function createAppAdmin(storage: Pick<Storage, 'apps' | 'transaction'>, options: AppAdminOptions = {}): AppAdmin {
  const now = options.now ?? Date.now;
  const announce = async (change: AppChange) => {
    await options.onChanged?.(change);
  };
  const update = async (appKey: string, patch: AppPatch) => {
    if (!(await storage.apps.update(appKey, patch))) throw new AppAdminError('unknown_app', `no app with key ${appKey}`);
  };

  return {
    async list() {
      const at = now();
      return (await storage.apps.list()).map((app) => view(app, at));
    },

    async create(name) {
      const appName = checkedName(name);
      const projectId = `prj_${randomBytes(8).toString('hex')}`;
      const createdAt = now();
      const key = (environment: AppEnvironment): AppRecord & AppCredentials => ({
        appKey: generateAppKey(),
        appSecret: generateAppSecret(),
        name: appName,
        createdAt,
        audioCallEnabled: true,
        videoCallEnabled: true,
        projectId,
        environment,
        disabled: false,
      });
      const development = key('development');
      const production = key('production');
      await storage.transaction(async (tx) => {
        await tx.apps.upsert(development);
        await tx.apps.upsert(production);
      });
      return {
        projectId,
        development: { appKey: development.appKey, appSecret: development.appSecret },
        production: { appKey: production.appKey, appSecret: production.appSecret },
      };
    },

    async rotateSecret(appKey, graceMs) {
      if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_SECRET_GRACE_MS) {
        throw new AppAdminError('invalid_grace', `graceMs must be an integer in [0, ${MAX_SECRET_GRACE_MS}]`);
      }
      const appSecret = generateAppSecret();
      const previousValidUntil = now() + graceMs;
      await storage.transaction(async (tx) => {
        const app = await tx.apps.get(appKey);
        if (!app) throw new AppAdminError('unknown_app', `no app with key ${appKey}`);
        await tx.apps.update(appKey, {
          appSecret,
          previousSecret: graceMs > 0 ? app.appSecret : null,
          previousSecretUntil: graceMs > 0 ? previousValidUntil : null,
        });
      });
      await announce({ appKey });
      return { appSecret, previousValidUntil };
    },

    async setServices(appKey, services) {
      const patch: AppPatch = {};
      if (services.audio !== undefined) patch.audioCallEnabled = services.audio;
      if (services.video !== undefined) patch.videoCallEnabled = services.video;
      await update(appKey, patch);
      await announce({ appKey });
    },

    async setDisabled(appKey, disabled) {
      await update(appKey, { disabled });
      await announce({ appKey, disabled });
    },

    async setCallbacks(appKey, callbacks) {
      const allowPrivate = options.allowPrivateTargets === true;
      const patch: AppPatch = {};
      const webhookUrl = checkedUrl('webhookUrl', callbacks.webhookUrl, allowPrivate);
      const rtcCallbackUrl = checkedUrl('rtcCallbackUrl', callbacks.rtcCallbackUrl, allowPrivate);
      if (webhookUrl !== undefined) patch.webhookUrl = webhookUrl;
      if (rtcCallbackUrl !== undefined) patch.rtcCallbackUrl = rtcCallbackUrl;
      await update(appKey, patch);
      await announce({ appKey });
    },
  };
}
