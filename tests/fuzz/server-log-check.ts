/** Scans a server process's log for crashes: pino level ≥ 50 entries and unhandled/uncaught errors. */

export interface LogProblem {
  line: string;
}

/** Lines of `logs` that report an error (level 50/60) or an unhandled rejection / uncaught exception. */
export function logProblems(logs: string): LogProblem[] {
  const problems: LogProblem[] = [];
  for (const line of logs.split('\n')) {
    if (/unhandled|uncaught/i.test(line)) {
      problems.push({ line });
      continue;
    }
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: unknown };
      if (typeof entry.level === 'number' && entry.level >= 50) problems.push({ line });
    } catch {
      // not a JSON log line
    }
  }
  return problems;
}

/** Throws listing the first problems, if any. */
export function assertCleanLogs(logs: string): void {
  const problems = logProblems(logs);
  if (problems.length > 0) {
    throw new Error(
      `server log reports ${problems.length} error(s):\n${problems
        .slice(0, 5)
        .map((p) => p.line.slice(0, 600))
        .join('\n')}`,
    );
  }
}
