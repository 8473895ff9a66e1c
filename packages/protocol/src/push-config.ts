/**
 * The per-platform / per-vendor fields of CallLib's `IPushConfig` (`setPushConfig`, since 5.2.4),
 * shaped as the engine's IM `IPushConfig` (reference/calllib-api.md E.8). The server does not
 * interpret them: it hands them to the push provider with the notice they belong to.
 */
import * as z from 'zod/mini';
import { ShortText } from './primitives.js';

const Field = z.optional(z.string().check(z.maxLength(1024)));

export const IOSPushConfig = z.object({
  threadId: Field,
  apnsCollapseId: Field,
  category: Field,
  richMediaUri: Field,
  interruptionLevel: Field,
});

export const GooglePushConfig = z.object({
  collapseKey: Field,
  imageUrl: Field,
  priority: Field,
});

export const AndroidPushConfig = z.object({
  notificationId: Field,
  channelIdMi: Field,
  miLargeIconUrl: Field,
  channelIdHW: Field,
  categoryHW: Field,
  importanceHW: z.optional(z.enum(['NORMAL', 'LOW'])),
  imageUrlHW: Field,
  channelIdOPPO: Field,
  typeVivo: Field,
  categoryVivo: Field,
  googleConfig: z.optional(GooglePushConfig),
  importanceHonor: Field,
  imageUrlHonor: Field,
});

export const HarmonyOSPushConfig = z.object({
  image: Field,
  category: Field,
});

/** Everything of `IPushConfig` beyond `pushTitle` / `pushContent`. */
export const PushVendorConfig = z.object({
  pushData: z.optional(ShortText),
  templateId: z.optional(z.string().check(z.maxLength(64))),
  disablePushTitle: z.optional(z.boolean()),
  forceShowDetailContent: z.optional(z.boolean()),
  iOSConfig: z.optional(IOSPushConfig),
  androidConfig: z.optional(AndroidPushConfig),
  harmonyOSConfig: z.optional(HarmonyOSPushConfig),
});
export type PushVendorConfig = z.infer<typeof PushVendorConfig>;

/** The `IPushConfig` keys that belong in `PushVendorConfig`. */
export const PUSH_VENDOR_KEYS = [
  'pushData',
  'templateId',
  'disablePushTitle',
  'forceShowDetailContent',
  'iOSConfig',
  'androidConfig',
  'harmonyOSConfig',
] as const;
