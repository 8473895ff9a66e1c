/** `YYYY-MM-DD HH:MM:SS` in UTC, as RongCloud formats times in the global data centres. */
export function formatUtcDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
