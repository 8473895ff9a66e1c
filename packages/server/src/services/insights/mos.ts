/**
 * An E-model style MOS (ITU-T G.107, simplified as in Cole & Rosenbluth 2001) for one audio sample.
 *
 *   one-way delay   d  = RTT / 2 + jitter buffer (2 × jitter) + codec delay (10 ms, Opus 20 ms frames with lookahead)
 *   delay impairment Id = d / 40            when d < 160 ms
 *                       = (d − 120) / 10    otherwise
 *   loss impairment Ie,eff = Ie + (95 − Ie) × Ppl / (Ppl + Bpl)   with Opus Ie = 0, Bpl = 20 (its packet-loss concealment)
 *   R   = 93.2 − Id − Ie,eff
 *   MOS = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R), clamped to 1 … 4.5 (R ≤ 0 → 1, R ≥ 100 → 4.5)
 *
 * Worked examples (mos.test.ts): 20 ms RTT, 5 ms jitter, 0 % loss → R 92.45 → 4.39;
 * 300 ms, 40 ms, 5 % → d 240, Id 12, Ie 19, R 62.2 → 3.21. It never rises when any input gets worse.
 */

/** 93.2: the default R of G.107 with no impairments but the basic signal-to-noise ones. */
const R0 = 93.2;
/** Opus at typical bitrates: no equipment impairment of its own (G.113 gives none; 0 is common practice). */
const OPUS_IE = 0;
/** Opus packet-loss robustness (random loss, with PLC). */
const OPUS_BPL = 20;
const CODEC_DELAY_MS = 10;
const JITTER_BUFFER_FACTOR = 2;

export interface MosInput {
  rttMs?: number | undefined;
  jitterMs?: number | undefined;
  packetLossPct?: number | undefined;
}

/** The R-factor (0 … 93.2) of a sample; missing inputs count as unimpaired. */
export function rFactor({ rttMs = 0, jitterMs = 0, packetLossPct = 0 }: MosInput): number {
  const delay = Math.max(0, rttMs) / 2 + JITTER_BUFFER_FACTOR * Math.max(0, jitterMs) + CODEC_DELAY_MS;
  const delayImpairment = delay < 160 ? delay / 40 : (delay - 120) / 10;
  const loss = Math.min(100, Math.max(0, packetLossPct));
  const lossImpairment = OPUS_IE + ((95 - OPUS_IE) * loss) / (loss + OPUS_BPL);
  return Math.max(0, R0 - delayImpairment - lossImpairment);
}

/** MOS 1 … 4.5 from an R-factor. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.min(4.5, Math.max(1, mos));
}

/** MOS 1 … 4.5 of one audio sample, rounded to 2 decimals. */
export function mosOf(input: MosInput): number {
  return Math.round(mosFromR(rFactor(input)) * 100) / 100;
}
