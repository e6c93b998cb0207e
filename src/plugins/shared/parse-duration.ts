const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A duration such as `90s`, `15m`, `12h`, `30d` or `2w` in milliseconds, or `null` when the text is
 * not one (no unit, zero, or more than ten years).
 */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6})\s*([smhdw])$/.exec(text.trim());
  if (match === null) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= 10 * 365 * UNIT_MS.d ? ms : null;
}
