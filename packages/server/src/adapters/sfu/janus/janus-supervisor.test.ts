import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allOf } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import { JanusSupervisor } from './janus-supervisor.js';
import { SUPERVISOR_MACHINE, type SupervisorEvent, type SupervisorState } from './janus-supervisor-machine.js';

const states = allOf<SupervisorState>()(['stopped', 'starting', 'up', 'backoff', 'failed']);
const events = allOf<SupervisorEvent>()(['start', 'answered', 'died', 'exhausted', 'retry', 'stop']);
const legal: [SupervisorState, SupervisorEvent, SupervisorState][] = [
  ['stopped', 'start', 'starting'],
  ['stopped', 'stop', 'stopped'],
  ['starting', 'answered', 'up'],
  ['starting', 'died', 'backoff'],
  ['starting', 'exhausted', 'failed'],
  ['starting', 'stop', 'stopped'],
  ['up', 'died', 'backoff'],
  ['up', 'exhausted', 'failed'],
  ['up', 'stop', 'stopped'],
  ['backoff', 'retry', 'starting'],
  ['backoff', 'stop', 'stopped'],
  ['failed', 'stop', 'stopped'],
];

describe('janus supervisor machine', () => {
  it('has exactly the listed legal edges; every other (state, event) throws IllegalTransitionError', () => {
    expect(machineMismatches(SUPERVISOR_MACHINE, states, events, legal)).toEqual([]);
  });
  it('names itself in errors', () => {
    expect(() => SUPERVISOR_MACHINE.next('failed', 'retry')).toThrow('janus supervisor: illegal transition failed → ? (retry)');
  });
});

describe('JanusSupervisor', () => {
  it('a binary that keeps exiting is retried with backoff, then given up: starting → backoff → starting → failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'janus-supervisor-'));
    const logger = { info: () => undefined, warn: () => undefined };
    const supervisor = new JanusSupervisor({
      binary: '/bin/false',
      dir,
      config: { rtpPortRange: [20000, 20099], apiSecret: 'api-secret-0123456789', adminSecret: 'admin-secret-0123456789' },
      logger,
      backoffMs: 10,
      maxFailures: 1,
    });
    const failed = new Promise<void>((resolve) => supervisor.on('failed', () => resolve()));
    let ups = 0;
    supervisor.on('up', () => ups++);
    supervisor.start();
    expect(supervisor.state).toBe('starting');
    await failed;
    expect(supervisor.state).toBe('failed');
    expect(supervisor.url).toBeUndefined();
    expect(ups).toBe(0);
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stop() while starting leaves it stopped and start() works again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'janus-supervisor-'));
    const supervisor = new JanusSupervisor({
      binary: '/bin/false',
      dir,
      config: { rtpPortRange: [20000, 20099], apiSecret: 'api-secret-0123456789', adminSecret: 'admin-secret-0123456789' },
      logger: { info: () => undefined, warn: () => undefined },
      backoffMs: 10_000,
    });
    supervisor.start();
    await supervisor.stop();
    expect(supervisor.state).toBe('stopped');
    supervisor.start();
    expect(supervisor.state).toBe('starting');
    await supervisor.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
