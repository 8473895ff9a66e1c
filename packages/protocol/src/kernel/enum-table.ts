/**
 * The SDK build (scripts/compact-enums.mjs) turns each TypeScript `enum` into `enumFromTable([...])`:
 * the members as one flat `[name, value, name, value, …]` table, expanded at load time into the object
 * TypeScript itself builds — numeric members mapped both ways (`E.A === 1`, `E[1] === 'A'`), string
 * members one way, in declaration order. Shorter in the bundles than TypeScript's output, which
 * spells every name twice; equality with it is tested in scripts/compact-enums.test.ts.
 */
export function enumFromTable(table: readonly (string | number)[]): Record<string, string | number> {
  const result: Record<string | number, string | number> = {};
  for (let i = 0; i < table.length; i += 2) {
    const name = table[i] as string;
    const value = table[i + 1] as string | number;
    result[name] = value;
    if (typeof value === 'number') result[value] = name;
  }
  return result;
}
