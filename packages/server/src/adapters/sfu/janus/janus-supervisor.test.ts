import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JanusSupervisor,
  SUPERVISOR_EVENTS,
  SUPERVISOR_STATES,
  SUPERVISOR_TRANSITIONS,
  type SupervisorEvent,
  type SupervisorState,
  SupervisorTransitionError,
  supervisorTransition,
} from './janus-supervisor.js';

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
  for (const from of SUPERVISOR_STATES) {
    for (const event of SUPERVISOR_EVENTS) {
      const edge = legal.find(([f, e]) => f === from && e === event);
      it(`${from} --${event}--> ${edge ? edge[2] : 'illegal'}`, () => {
        if (edge) expect(supervisorTransition(from, event)).toBe(edge[2]);
        else {
          expect(() => supervisorTransition(from, event)).toThrow(SupervisorTransitionError);
          expect(() => supervisorTransition(from, event)).toThrow(`${from} → ? (${event})`);
        }
      });
    }
  }

  it('table has exactly the listed legal edges', () => {
    const count = Object.values(SUPERVISOR_TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0);
    expect(count).toBe(legal.length);
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
