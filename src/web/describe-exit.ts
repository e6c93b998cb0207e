/** "exited with code 0", "ended by SIGTERM". */
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal) return `ended by ${signal}${exitCode !== null ? ` (code ${exitCode})` : ''}`;
  return `exited with code ${exitCode ?? '?'}`;
}
