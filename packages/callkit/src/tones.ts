/**
 * Ringtone (incoming) and ringback (outgoing) synthesized with Web Audio: no audio files. The
 * ringback is the North American 440 + 480 Hz, 2 s on / 4 s off; the ringtone a two-note chirp
 * repeated every 2 s. Vibration follows the ringtone where `navigator.vibrate` exists.
 */
export type ToneKind = 'ringtone' | 'ringback';

interface Pattern {
  /** [frequency Hz, start s, duration s] notes within one period. */
  notes: readonly (readonly [number, number, number])[];
  period: number;
  gain: number;
}

export const TONE_PATTERNS: Readonly<Record<ToneKind, Pattern>> = {
  ringback: {
    notes: [
      [440, 0, 2],
      [480, 0, 2],
    ],
    period: 6,
    gain: 0.08,
  },
  ringtone: {
    notes: [
      [784, 0, 0.18],
      [988, 0.22, 0.18],
      [784, 0.5, 0.18],
      [988, 0.72, 0.18],
    ],
    period: 2,
    gain: 0.12,
  },
};

const VIBRATION = [400, 200, 400, 1000];

export class TonePlayer {
  private context: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private playing: ToneKind | undefined;

  /** Starts `kind` (stopping any other); silent where Web Audio is missing or blocked. */
  start(kind: ToneKind): void {
    if (this.playing === kind) return;
    this.stop();
    const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctor) return;
    try {
      this.context ??= new Ctor();
      void this.context.resume().catch(() => undefined);
    } catch {
      return;
    }
    this.playing = kind;
    const pattern = TONE_PATTERNS[kind];
    const play = () => {
      this.schedule(pattern);
      if (kind === 'ringtone') vibrate(VIBRATION);
    };
    play();
    this.timer = setInterval(play, pattern.period * 1000);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.playing === 'ringtone') vibrate(0);
    this.playing = undefined;
    void this.context?.suspend().catch(() => undefined);
  }

  close(): void {
    this.stop();
    void this.context?.close().catch(() => undefined);
    this.context = undefined;
  }

  private schedule(pattern: Pattern): void {
    const context = this.context;
    if (!context) return;
    const now = context.currentTime + 0.02;
    for (const [frequency, start, duration] of pattern.notes) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0, now + start);
      gain.gain.linearRampToValueAtTime(pattern.gain, now + start + 0.02);
      gain.gain.setValueAtTime(pattern.gain, now + start + duration - 0.02);
      gain.gain.linearRampToValueAtTime(0, now + start + duration);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + start);
      oscillator.stop(now + start + duration);
    }
  }
}

/** `navigator.vibrate` where the platform has it (phones); nothing elsewhere. */
function vibrate(pattern: number | number[]): void {
  const nav = (globalThis as { navigator?: { vibrate?: (pattern: number | number[]) => boolean } }).navigator;
  nav?.vibrate?.(pattern);
}
