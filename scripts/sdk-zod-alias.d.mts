/** esbuild `alias` option for the SDK bundles: `zod/mini` → packages/protocol/src/lite/zod-mini.ts. */
export declare const sdkZodAlias: Readonly<Record<'zod/mini', string>>;
