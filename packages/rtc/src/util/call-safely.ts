/** Calls `fn` and logs instead of throwing: for app callbacks (room listeners). */
export function callSafely(label: string, log: (message: string, error: unknown) => void, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log(`app listener ${label} threw`, error);
  }
}
