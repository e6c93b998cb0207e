import type { z } from 'zod';
import type { ConfigIssue } from './config-error';
import { formatConfigPath } from './format-config-path';

/** What overrode a top-level key, for messages: `TUNNELFORGE_PORT="abc"` or `--port`. */
export type OverrideSources = Partial<Record<string, string>>;

/**
 * Turn zod issues into one {@link ConfigIssue} per problem, with readable messages:
 * `Invalid input: expected number, received string` → `expected number, received string`; each
 * unrecognized key becomes its own issue at its own path, with a "did you mean" when one is close.
 * Issues about a key set by an environment variable or flag name it.
 */
export function zodIssuesToConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  options: { sources?: OverrideSources; knownKeys?: (path: readonly PropertyKey[]) => readonly string[] } = {},
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const source = typeof issue.path[0] === 'string' ? options.sources?.[issue.path[0]] : undefined;
    const suffix = source ? ` (from ${source})` : '';
    if (issue.code === 'unrecognized_keys') {
      const known = options.knownKeys?.(issue.path) ?? [];
      for (const key of issue.keys) {
        const guess = closest(key, known);
        out.push({
          path: formatConfigPath([...issue.path, key]),
          message: `unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`,
        });
      }
      continue;
    }
    out.push({ path: formatConfigPath(issue.path), message: tidy(issue.message) + suffix });
  }
  return out;
}

function tidy(message: string): string {
  const m = message.replace(/^(Invalid input|Invalid option|Too small|Too big|Invalid string|Invalid number): /, '');
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/** The known key nearest to `key` (edit distance ≤ 2, or a case-insensitive match). */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
