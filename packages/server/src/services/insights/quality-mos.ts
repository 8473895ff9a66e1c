/**
 * `call_records.quality_mos` is a REAL: a 4-byte float on Postgres (3.6 reads back as 3.5999999),
 * 8 bytes on SQLite. Comparisons and answers use it rounded to 3 decimals so both engines agree on
 * band boundaries and filters.
 */
import { sql } from 'kysely';

/** The stored MOS rounded to 3 decimals, as a SQL expression valid on both engines. */
export const storedMos = sql<number | null>`round(cast(call_records.quality_mos as numeric), 3)`;

/** A stored MOS value as answered (3 decimals). */
export function roundMos(value: number): number {
  return Math.round(value * 1000) / 1000;
}
