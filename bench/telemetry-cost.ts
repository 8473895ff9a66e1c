/**
 * What call quality telemetry costs (README "Call quality telemetry"):
 * - bytes on the wire per participant-minute: the `call.telemetry` frames the SDK's own code builds
 *   (samples from state reports shaped as Chromium gives them, sampled every 2 s, batched every 10 s)
 *   plus the server's replies, for a 1:1 video call (4 tracks per device) and a 4-party mesh (12);
 * - server CPU per sample: decoding the frame (protocol codec), authorizing, scoring and storing it
 *   (TelemetryIngest on a SQLite file, as the embedded server runs it), over many batches.
 *
 *   npx tsx bench/telemetry-cost.ts [batches]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeClientFrame } from '@opencall/protocol';
import { pino } from 'pino';
import type { CallStateReport } from '../packages/call/src/rtc-port.js';
import { samplesFromReports, type TimedSample } from '../packages/call/src/telemetry/telemetry-samples.js';
import { openSqliteStorage } from '../packages/server/src/adapters/storage/sqlite/open-sqlite-storage.js';
import type { CallDirectory } from '../packages/server/src/services/call/call-directory.js';
import { TelemetryIngest } from '../packages/server/src/services/insights/telemetry-ingest.js';

const SAMPLE_EVERY_S = 2;
const BATCH_EVERY_S = 10;

/** One P2P link's report as Chromium fills it (audio + video both ways). */
function linkReport(peer: string, jitter: number): CallStateReport {
  const pair = {
    IP: '',
    port: 0,
    networkType: null,
    remoteIP: '',
    remotePort: 0,
    protocol: 'udp',
    bitrateSend: 0,
    bitrateRecv: 0,
    rtt: 23,
    availableOutgoingBitrate: null,
    availableIncomingBitrate: null,
    localCandidateType: 'srflx',
  };
  return {
    pcName: peer,
    timestamp: 0,
    iceCandidatePair: pair,
    senders: [
      { trackId: 'a', kind: 'audio', packetsLostRate: 0.004, remoteResource: false, bitrate: 38, jitter, rtt: 24 },
      {
        trackId: 'v',
        kind: 'video',
        packetsLostRate: 0.012,
        remoteResource: false,
        bitrate: 1187,
        jitter: jitter + 3,
        rtt: 25,
        frameRate: 29.7,
        frameWidth: 1280,
        frameHeight: 720,
        qualityLimitationReason: 'bandwidth',
      },
    ],
    receivers: [
      { trackId: 'ra', kind: 'audio', packetsLostRate: 0.0031, remoteResource: true, bitrate: 37, jitter: jitter + 1, audioPlayedS: 61.3 },
      {
        trackId: 'rv',
        kind: 'video',
        packetsLostRate: 0.0088,
        remoteResource: true,
        bitrate: 1093,
        jitter: jitter + 6,
        frameRate: 29.4,
        frameWidth: 1280,
        frameHeight: 720,
        freezeCount: 2,
        freezeDurationMs: 412,
        framesDecoded: 1800,
      },
    ],
  };
}

/** One minute of one device's batches (as TelemetryUplink builds them), as wire text, with the replies. */
function minuteOfFrames(peers: string[]): { frames: string[]; wireBytes: number; samples: number } {
  const frames: string[] = [];
  let buffer: TimedSample[] = [];
  let rid = 100;
  let wireBytes = 0;
  let samples = 0;
  for (let second = 1; second <= 60; second++) {
    const now = 1_767_225_600_000 + second * 1000;
    if (second % SAMPLE_EVERY_S === 0)
      buffer.push(
        ...samplesFromReports(
          peers.map((p, i) => linkReport(p, 4 + i + (second % 3))),
          now,
        ),
      );
    if (second % BATCH_EVERY_S === 0) {
      const frame = {
        t: 'call.telemetry',
        rid: rid++,
        callId: 'call_6f1c2a9e4b7d4c1e',
        samples: buffer.map(({ at, ...s }) => ({ ...s, ago: now - at })),
        sentAt: now,
        ...(second === BATCH_EVERY_S ? { setup: { ring: 312, ice: 288, frame: 404 } } : {}),
      };
      samples += buffer.length;
      buffer = [];
      const text = JSON.stringify(frame);
      frames.push(text);
      wireBytes += Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify({ t: 'res', rid: frame.rid, code: 10000 }));
    }
  }
  return { frames, wireBytes, samples };
}

async function main(): Promise<void> {
  const batches = Number(process.argv[2] ?? 3000);
  for (const [label, peers] of [
    ['1:1 video (4 tracks per device)', ['bob']],
    ['4-party mesh video (12 tracks per device)', ['bob', 'carol', 'dave']],
  ] as const) {
    const { wireBytes, samples } = minuteOfFrames([...peers]);
    console.log(
      `METRIC telemetry bytes/participant-minute ${label}: ${wireBytes} B (${samples} samples, ${(wireBytes / samples).toFixed(0)} B/sample incl. replies)`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), 'opencall-telemetry-bench-'));
  const storage = await openSqliteStorage(join(dir, 'opencall.sqlite'));
  try {
    const participants = new Map([['alice', { deviceId: 'alice-d1' }]]);
    const calls = { get: () => ({ participants }), endedCall: () => undefined } as unknown as Pick<CallDirectory, 'get' | 'endedCall'>;
    const ingest = new TelemetryIngest({ storage, calls, logger: pino({ level: 'silent' }), maxSamplesPerDevice: Number.MAX_SAFE_INTEGER });
    const { frames } = minuteOfFrames(['bob']);
    const from = { appKey: 'app', userId: 'alice', deviceId: 'alice-d1' };
    // Warm-up (JIT, statement cache), then the measured run.
    for (let i = 0; i < 50; i++) await ingestText(ingest, from, frames[i % frames.length] as string, `warm-${i % 5}`);
    let measuredSamples = 0;
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    for (let i = 0; i < batches; i++)
      measuredSamples += await ingestText(ingest, from, frames[i % frames.length] as string, `call-${i % 50}`);
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;
    const cpuUs = cpu.user + cpu.system;
    console.log(
      `METRIC telemetry server CPU per sample: ${(cpuUs / measuredSamples).toFixed(1)} µs (${measuredSamples} samples in ${batches} batches of ${measuredSamples / batches}; ${(cpuUs / batches / 1000).toFixed(2)} ms CPU per batch; wall ${wallMs.toFixed(0)} ms)`,
    );
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decode the frame text as the socket does, then ingest it; returns the samples it carried. */
async function ingestText(
  ingest: TelemetryIngest,
  from: { appKey: string; userId: string; deviceId: string },
  text: string,
  callId: string,
): Promise<number> {
  const decoded = decodeClientFrame(text.replace('call_6f1c2a9e4b7d4c1e', callId));
  if (!decoded.ok || decoded.value.t !== 'call.telemetry') throw new Error('bad frame');
  const { t: _t, rid: _rid, ...batch } = decoded.value;
  const result = await ingest.ingest(from, batch);
  if (result.code !== 10000) throw new Error(`ingest refused: ${result.code} ${result.message}`);
  return batch.samples.length;
}

await main();
