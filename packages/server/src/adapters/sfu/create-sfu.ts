/**
 * Chooses the SFU from the configuration: remote Janus URLs, else a supervised local `janus` when
 * the binary exists, else none (group calls fall back to a P2P mesh).
 */
import { accessSync, constants } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { newJanusSecret } from './janus/janus-config.js';
import { parseJanusEndpoint } from './janus/janus-endpoint.js';
import { JanusSfu } from './janus/janus-sfu.js';
import { JanusSupervisor } from './janus/janus-supervisor.js';
import { NoSfu, type Sfu } from './sfu-port.js';

export interface SfuConfig {
  /** `off` disables the SFU (env OPENCALL_SFU). */
  sfu: 'auto' | 'off';
  janusUrls: string[];
  /** Janus `api_secret`: of the local Janus (else random per start), and of remote URLs without `?apisecret=`. */
  janusApiSecret: string | undefined;
  janusBinary: string;
  janusIceInterface: string | undefined;
  janusNat11Mapping: string | undefined;
  janusRtpPorts: readonly [number, number];
  dataDir: string;
}

/** The full path of `name` on PATH (or `name` itself when it contains a slash), if executable. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Janus never gathers on loopback: without another interface it cannot carry media. */
function hasNonLoopbackInterface(): boolean {
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => !a.internal && a.family === 'IPv4'));
}

export interface CreatedSfu {
  sfu: Sfu;
  /** Stops the SFU and, in local mode, Janus. */
  stop(): Promise<void>;
  /** Local mode: the Janus supervisor (its `down` events feed the metrics). */
  supervisor?: JanusSupervisor;
}

export function createSfu(config: SfuConfig, logger: Logger): CreatedSfu {
  if (config.sfu === 'off') {
    logger.info('media: group calls use a P2P mesh (SFU off by OPENCALL_SFU=off)');
    return { sfu: new NoSfu(), stop: async () => {} };
  }
  if (config.janusUrls.length > 0) {
    const endpoints = config.janusUrls.map((raw) => parseJanusEndpoint(raw, config.janusApiSecret));
    const sfu = new JanusSfu('remote', endpoints, logger);
    logger.info({ instances: config.janusUrls.length }, 'media: group calls use the configured Janus instances');
    return { sfu, stop: () => sfu.close() };
  }
  const binary = findExecutable(config.janusBinary);
  if (!binary) {
    logger.info('media: group calls use a P2P mesh of at most 4 (no janus binary found)');
    return { sfu: new NoSfu(), stop: async () => {} };
  }
  if (!config.janusIceInterface && !hasNonLoopbackInterface()) {
    logger.info('media: group calls use a P2P mesh of at most 4 (Janus cannot gather ICE on loopback only)');
    return { sfu: new NoSfu(), stop: async () => {} };
  }
  // Nothing else on the machine may drive this Janus: every request must carry the secret.
  const apiSecret = config.janusApiSecret ?? newJanusSecret();
  const sfu = new JanusSfu('local', [{ url: undefined, apiSecret }], logger);
  const supervisor = new JanusSupervisor({
    binary,
    setpriv: findExecutable('setpriv'),
    dir: resolve(config.dataDir, 'janus'),
    config: {
      rtpPortRange: config.janusRtpPorts,
      iceInterface: config.janusIceInterface,
      nat11Mapping: config.janusNat11Mapping,
      apiSecret,
      adminSecret: newJanusSecret(),
    },
    logger,
  });
  supervisor.on('up', (url) => sfu.instanceUp(url));
  supervisor.on('down', () => sfu.instanceDown());
  supervisor.on('failed', () => logger.warn('janus keeps failing; group calls fall back to a P2P mesh'));
  supervisor.start();
  logger.info({ binary }, 'media: group calls use a local Janus SFU (supervised)');
  return {
    sfu,
    supervisor,
    async stop() {
      await sfu.close();
      await supervisor.stop();
    },
  };
}
