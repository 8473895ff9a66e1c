/** SDK size: min+gzip of dist/sdk/{RongIMLib,RCRTC,RCCall}.js after a fresh `scripts/build-sdk.mjs`. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { metric } from '../lib/metrics.js';
import { REPO_ROOT } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { CALLKIT_BUDGET_BYTES, CALLKIT_FILE, gzipSize, gzipSizes, SDK_BUDGET_BYTES } from '../lib/sdk-size.js';

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
    const kb = (n: number) => Math.round((n / 1024) * 100) / 100;
    return {
      metrics: [
        metric('sdk.gzip_total', kb(total), 'KB', {
          baseline: SDK_BUDGET_BYTES / 1024,
          goal: 'value<=60',
          note: `gzip -9 of the minified IIFE bundles; baseline = the 60 KB budget (RongCloud's own ≈${RONGCLOUD_KB} KB, not measured here)`,
        }),
        ...Object.entries(sizes).map(([file, bytes]) => metric(`sdk.gzip.${file.replace(/\.js$/, '')}`, kb(bytes), 'KB')),
        metric('sdk.gzip.RCCallKit', kb(callkit), 'KB', {
          baseline: CALLKIT_BUDGET_BYTES / 1024,
          goal: 'value<=25',
          note: 'the call screens (issue 15), outside the three-bundle total; baseline = its 25 KB budget',
        }),
      ],
      details: { bytes: { ...sizes, [CALLKIT_FILE]: callkit }, totalBytes: total },
    };
  },
};
