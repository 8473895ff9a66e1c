/**
 * `setPushConfig`'s `IPushConfig` split into what OpenCall's signals carry: the texts, and the
 * per-platform / per-vendor fields (checked here, so a bad one throws at `setPushConfig` rather than
 * failing the next call).
 */
import { PUSH_VENDOR_KEYS, PushVendorConfig } from '@opencall/protocol';
import type { IPushConfig } from './types.js';

export interface ResolvedPush {
  pushTitle?: string;
  pushContent?: string;
  pushConfig?: PushVendorConfig;
}

/** Checks `config` and keeps the fields signals carry; throws naming the first bad field. */
export function resolvePushConfig(config: unknown, where: string): ResolvedPush {
  if (config === undefined || config === null) return {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new Error(`[${where}] push config must be an object`);
  const { pushTitle, pushContent } = config as IPushConfig;
  for (const [key, value] of [
    ['pushTitle', pushTitle],
    ['pushContent', pushContent],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') throw new Error(`[${where}] '${key}' must be a string`);
  }
  const vendor: Record<string, unknown> = {};
  for (const key of PUSH_VENDOR_KEYS) {
    const value = (config as Record<string, unknown>)[key];
    if (value !== undefined) vendor[key] = value;
  }
  const parsed = PushVendorConfig.safeParse(vendor);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`[${where}] '${issue?.path.join('.') ?? '?'}': ${issue?.message ?? 'invalid'}`);
  }
  return {
    ...(pushTitle === undefined ? {} : { pushTitle }),
    ...(pushContent === undefined ? {} : { pushContent }),
    ...(Object.keys(vendor).length === 0 ? {} : { pushConfig: parsed.data }),
  };
}
