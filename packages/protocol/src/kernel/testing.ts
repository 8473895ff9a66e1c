/** Test and docs support for the kernel (not part of the SDK bundles): `@opencall/protocol/testing`. */
export { mermaidDiagram } from './diagram.js';
export { type ExpectedEdge, machineMismatches } from './machine-table-check.js';
