import type { Plugin } from 'esbuild';

/** `source` with its TypeScript enums as `enumFromTable` tables, and how many there were. */
export declare function compactEnums(source: string): { contents: string; count: number };
/** The esbuild plugin of the SDK build. */
export declare const compactEnumsPlugin: Plugin;
