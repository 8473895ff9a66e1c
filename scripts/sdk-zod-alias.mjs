/**
 * The browser SDK bundles resolve `zod/mini` to OpenCall's small implementation of the part the client
 * protocol uses (packages/protocol/src/lite/zod-mini.ts, proven equal to zod by its property test,
 * which builds the protocol with this same alias). The server and Node tests keep zod itself.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild `alias` option for the SDK bundles. */
export const sdkZodAlias = { 'zod/mini': resolve(root, 'packages/protocol/src/lite/zod-mini.ts') };
