/** SDK size: min+gzip of dist/sdk/{RongIMLib,RCRTC,RCCall}.js after a fresh `scripts/build-sdk.mjs`. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { metric } from '../lib/metrics.js';
import { REPO_ROOT } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import {
  CALLKIT_BUDGET_BYTES,
  CALLKIT_FILE,
  CALLPLUS_BUDGET_BYTES,
  CALLPLUS_FILES,
  gzipSize,
  gzipSizes,
  SDK_BUDGET_BYTES,
} from '../lib/sdk-size.js';

/** RongCloud's own bundles, min+gzip (issue 6): engine 185 + imlib 18.6 + rtc 56 + call ≈29 KB. */
const RONGCLOUD_KB = 289;

export const sdkSize: Scenario = {
  name: 'sdk-size',
  title: 'SDK bundle size (min+gzip)',
  async run({ progress }) {
    progress('node scripts/build-sdk.mjs');
    const build = spawnSync(process.execPath, ['scripts/build-sdk.mjs'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    if (build.status !== 0) throw new Error(`build-sdk failed:\n${build.stderr}${build.stdout}`);
    const sizes = gzipSizes(resolve(REPO_ROOT, 'dist/sdk'));
    const total = Object.values(sizes).reduce((s, n) => s + n, 0);
    const callkit = gzipSize(resolve(REPO_ROOT, 'dist/sdk'), CALLKIT_FILE);
    const callplus = Object.fromEntries(CALLPLUS_FILES.map((file) => [file, gzipSize(resolve(REPO_ROOT, 'dist/sdk'), file)]));
    const callplusTotal = Object.values(callplus).reduce((s, n) => s + n, 0);
    const kb = (n: number) => Math.round((n / 1024) * 100) / 100;
    return {
      metrics: [
        metric('sdk.gzip_total', kb(total), 'KB', {
          baseline: SDK_BUDGET_BYTES / 1024,
          goal: 'value<=40',
          note: `gzip -9 of the minified IIFE bundles; goal and baseline = issue 16's 40 KB budget, which the size test enforces (RongCloud's own ≈${RONGCLOUD_KB} KB, not measured here)`,
        }),
        ...Object.entries(sizes).map(([file, bytes]) => metric(`sdk.gzip.${file.replace(/\.js$/, '')}`, kb(bytes), 'KB')),
        metric('sdk.gzip.RCCallKit', kb(callkit), 'KB', {
          baseline: CALLKIT_BUDGET_BYTES / 1024,
          goal: 'value<=25',
          note: 'the call screens (issue 15), outside the three-bundle total; baseline = its 25 KB budget',
        }),
        metric('sdk.gzip.CallPlus', kb(callplusTotal), 'KB', {
          baseline: CALLPLUS_BUDGET_BYTES / 1024,
          goal: 'value<=14',
          note: 'CallPlus.js + CallPlusWrapper.js (CallPlus pages load them instead of RCCall.js), outside the three-bundle total; baseline = their 14 KB budget',
        }),
      ],
      details: { bytes: { ...sizes, [CALLKIT_FILE]: callkit, ...callplus }, totalBytes: total },
    };
  },
};
