/**
 * Group commit for telemetry: the batches that arrive within one tick, from any call, are written in
 * one transaction (one multi-row INSERT of samples, one multi-row upsert of setup timings) instead of
 * a statement or two each. Each `write` resolves once its rows are committed — the ingest answers the
 * SDK only then ("acknowledged means stored") — and rejects if that transaction failed (the SDK keeps
 * the batch and sends it again).
 */
import type { DeviceSetup, QualitySample, Storage, TelemetryBatch } from '../../ports/index.js';

type Setups = Map<string, { appKey: string; callId: string; setup: DeviceSetup }>;

interface Gathering {
  samples: { appKey: string; callId: string; sample: QualitySample }[];
  setups: Setups;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const TIMINGS = ['inviteToRingingMs', 'acceptToIceConnectedMs', 'acceptToFirstFrameMs'] as const;

/** The later timing wins; one a later batch lacks stays (as the store keeps it). */
function merged(earlier: DeviceSetup, later: DeviceSetup): DeviceSetup {
  const setup: DeviceSetup = { ...later };
  for (const key of TIMINGS) {
    const kept = earlier[key];
    if (setup[key] === undefined && kept !== undefined) setup[key] = kept;
  }
  return setup;
}

export class TelemetryWriter {
  private gathering: Gathering | undefined;
  /** Transactions run one after another, in order. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly storage: Pick<Storage, 'transaction'>) {}

  /** Store `samples` and `setup` of one device in the call; resolves once committed. */
  write(appKey: string, callId: string, samples: readonly QualitySample[], setup: DeviceSetup | undefined): Promise<void> {
    const batch = this.gathering ?? this.gather();
    for (const sample of samples) batch.samples.push({ appKey, callId, sample });
    if (setup) {
      const key = `${appKey}\n${callId}\n${setup.userId}\n${setup.deviceId}`;
      const earlier = batch.setups.get(key);
      batch.setups.set(key, { appKey, callId, setup: earlier ? merged(earlier.setup, setup) : setup });
    }
    return batch.done;
  }

  /** Resolves once everything written so far is committed (or failed); never rejects. */
  async flushed(): Promise<void> {
    if (this.gathering) this.flush();
    await this.tail;
  }

  private gather(): Gathering {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const batch: Gathering = { samples: [], setups: new Map(), done, resolve, reject };
    this.gathering = batch;
    setImmediate(() => this.flush());
    return batch;
  }

  private flush(): void {
    const batch = this.gathering;
    if (!batch) return;
    this.gathering = undefined;
    if (batch.samples.length === 0 && batch.setups.size === 0) {
      batch.resolve();
      return;
    }
    const rows: TelemetryBatch = { samples: batch.samples, setups: [...batch.setups.values()] };
    const written = this.tail.then(() => this.storage.transaction((tx) => tx.telemetry.addBatch(rows)));
    written.then(batch.resolve, batch.reject);
    this.tail = written.catch(() => undefined);
  }
}
