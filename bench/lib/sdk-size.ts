/** min+gzip size of the three SDK bundles, as the server serves them from dist/sdk/. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const SDK_FILES = ['RongIMLib.js', 'RCRTC.js', 'RCCall.js'] as const;
/** The budget of issue 16 (was 60 KB in issue 6): 40 KB min+gzip for the three bundles together. */
export const SDK_BUDGET_BYTES = 40 * 1024;

/** gzip (level 9) size in bytes of each bundle in `dir`. */
export function gzipSizes(dir: string): Record<(typeof SDK_FILES)[number], number> {
  const sizes = {} as Record<(typeof SDK_FILES)[number], number>;
  for (const file of SDK_FILES) sizes[file] = gzipSync(readFileSync(resolve(dir, file)), { level: 9 }).length;
  return sizes;
}

/** CallKit's own bundle (issue 15), outside the three-bundle budget: ≤ 25 KB min+gzip. */
export const CALLKIT_FILE = 'RCCallKit.js';
export const CALLKIT_BUDGET_BYTES = 25 * 1024;

/** What CallPlus pages load instead of RCCall.js, budgeted apart from the three: ≤ 14 KB min+gzip together. */
export const CALLPLUS_FILES = ['CallPlus.js', 'CallPlusWrapper.js'] as const;
export const CALLPLUS_BUDGET_BYTES = 14 * 1024;

/** gzip (level 9) size in bytes of one bundle in `dir`. */
export function gzipSize(dir: string, file: string): number {
  return gzipSync(readFileSync(resolve(dir, file)), { level: 9 }).length;
}
