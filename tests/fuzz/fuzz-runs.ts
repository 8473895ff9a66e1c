/** Number of fuzz inputs: `ciRuns` scaled by env `FUZZ_RUNS` (a multiplier, default 1). */
export function fuzzRuns(ciRuns: number): number {
  const scale = Number(process.env.FUZZ_RUNS ?? '1');
  return Math.max(1, Math.round(ciRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
