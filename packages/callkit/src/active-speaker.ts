/**
 * The active speaker from audio levels, with hysteresis so the highlight does not flicker: a new
 * speaker must be louder than `threshold` and beat the current one by `margin`; the current one keeps
 * the highlight while it stays above `threshold`. Pure.
 */
export interface SpeakerOptions {
  /** Level (0–1) below which nobody is speaking. */
  threshold: number;
  /** How much louder than the current speaker a new one must be. */
  margin: number;
}

export const DEFAULT_SPEAKER_OPTIONS: SpeakerOptions = { threshold: 0.02, margin: 0.05 };

export function pickActiveSpeaker(
  levels: ReadonlyMap<string, number>,
  current: string | undefined,
  options: SpeakerOptions = DEFAULT_SPEAKER_OPTIONS,
): string | undefined {
  let loudest: string | undefined;
  let loudestLevel = options.threshold;
  for (const [userId, level] of levels) {
    if (level > loudestLevel) {
      loudest = userId;
      loudestLevel = level;
    }
  }
  const currentLevel = current === undefined ? 0 : (levels.get(current) ?? 0);
  if (current !== undefined && currentLevel > options.threshold) {
    return loudest !== undefined && loudestLevel > currentLevel + options.margin ? loudest : current;
  }
  return loudest;
}
