#!/usr/bin/env -S npx tsx
/**
 * The state machines of every package, drawn from their transition tables as mermaid diagrams for
 * docs/architecture.md. The docs hold each diagram between `<!-- machine:<id> -->` and
 * `<!-- /machine -->`; tests/integration/architecture-diagrams.test.ts fails when one differs from
 * its table.
 *
 *   npx tsx scripts/machine-diagrams.ts          # print every diagram
 *   npx tsx scripts/machine-diagrams.ts --write  # rewrite the blocks in docs/architecture.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SESSION_MACHINE } from '../packages/call/src/session-machine.js';
import { CONNECTION_MACHINE, type ConnectionState } from '../packages/imlib/src/connection-machine.js';
import { allOf, type Machine, RCCallSessionState } from '../packages/protocol/src/index.js';
import { mermaidDiagram } from '../packages/protocol/src/kernel/diagram.js';
import { PEER_LINK_MACHINE, type PeerLinkState } from '../packages/rtc/src/transport/p2p/peer-link-state.js';
import {
  LINK_RECOVERY_MACHINE,
  type LinkRecoveryEdge,
  type LinkRecoveryState,
} from '../packages/rtc/src/transport/recovery/link-recovery-state.js';
import { SUPERVISOR_MACHINE, type SupervisorState } from '../packages/server/src/adapters/sfu/janus/janus-supervisor-machine.js';
import { CALL_MACHINE, type CallState } from '../packages/server/src/services/call/call-machine.js';
import { PARTICIPANT_MACHINE, type ParticipantState } from '../packages/server/src/services/call/participant-machine.js';
import { SOCKET_SESSION_MACHINE, type SocketSessionState } from '../packages/server/src/transport/ws/socket-session-machine.js';

export const ARCHITECTURE_DOC = resolve(import.meta.dirname, '../docs/architecture.md');

interface Drawn {
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: machines of different state and event types in one list
  machine: Machine<any, any, any>;
  states: readonly PropertyKey[];
  // biome-ignore lint/suspicious/noExplicitAny: see machine
  label?: (event: string, edge: any) => string;
}

export const MACHINES: readonly Drawn[] = [
  { id: 'call', machine: CALL_MACHINE, states: allOf<CallState>()(['ringing', 'active', 'ended']) },
  { id: 'participant', machine: PARTICIPANT_MACHINE, states: allOf<ParticipantState>()(['waiting', 'keeping', 'left']) },
  {
    id: 'socket-session',
    machine: SOCKET_SESSION_MACHINE,
    states: allOf<SocketSessionState>()(['awaiting_hello', 'authenticated', 'closing', 'closed']),
  },
  {
    id: 'janus-supervisor',
    machine: SUPERVISOR_MACHINE,
    states: allOf<SupervisorState>()(['stopped', 'starting', 'up', 'backoff', 'failed']),
  },
  {
    id: 'im-connection',
    machine: CONNECTION_MACHINE,
    states: allOf<ConnectionState>()(['idle', 'connecting', 'connected', 'suspended', 'disconnected']),
  },
  {
    id: 'peer-link',
    machine: PEER_LINK_MACHINE,
    states: allOf<PeerLinkState>()(['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed']),
  },
  {
    id: 'link-recovery',
    machine: LINK_RECOVERY_MACHINE,
    states: allOf<LinkRecoveryState>()(['watching', 'restarting', 'relinking', 'lost', 'closed']),
    label: (event, edge: LinkRecoveryEdge) => `${event} / ${edge.action}`,
  },
  {
    id: 'call-session',
    machine: SESSION_MACHINE,
    states: allOf<RCCallSessionState>()([RCCallSessionState.WAITING, RCCallSessionState.KEEPING, RCCallSessionState.END]),
  },
];

/** The fenced mermaid block of one machine, exactly as the docs hold it. */
export function diagramBlock(drawn: Drawn): string {
  return ['```mermaid', mermaidDiagram(drawn.machine, drawn.states, drawn.label), '```'].join('\n');
}

/** The opening marker, what follows it up to the next marker, and the closing marker. */
const blockPattern = (id: string) => new RegExp(`(<!-- machine:${id} -->\\n)((?:(?!<!--)[\\s\\S])*)(<!-- /machine -->)`);

/** The block the docs hold for `id`, or undefined when its markers are missing. */
export function documentedBlock(doc: string, id: string): string | undefined {
  return blockPattern(id).exec(doc)?.[2]?.replace(/\n$/, '');
}

function rewrite(doc: string): string {
  let out = doc;
  for (const drawn of MACHINES) {
    if (!blockPattern(drawn.id).test(out)) throw new Error(`docs/architecture.md has no <!-- machine:${drawn.id} --> block`);
    out = out.replace(
      blockPattern(drawn.id),
      (_all, open: string, _old: string, close: string) => `${open}${diagramBlock(drawn)}\n${close}`,
    );
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  if (process.argv.includes('--write')) {
    writeFileSync(ARCHITECTURE_DOC, rewrite(readFileSync(ARCHITECTURE_DOC, 'utf8')));
    console.log(`machine-diagrams: ${MACHINES.length} diagrams written into docs/architecture.md`);
  } else {
    for (const drawn of MACHINES) console.log(`${drawn.machine.name}\n${diagramBlock(drawn)}\n`);
  }
}
