/** Keys whose values never reach a log line. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|authtoken/i;

const REDACTED = '[redacted]';

/**
 * A copy of `fields` with every value under a secret-looking key replaced by `"[redacted]"`, at any
 * depth of plain objects and arrays. Other objects (Errors, Buffers, Dates...) are kept as they are;
 * cycles are cut with `"[circular]"`. Returns the input itself when nothing needed changing.
 */
export function redactSecrets<T>(fields: T): T {
  return walk(fields, new WeakSet()) as T;
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const array = Array.isArray(value);
  if (!array && !isPlainObject(value)) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  let changed: unknown[] | Record<string, unknown> | undefined;
  if (array) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = walk(item, seen);
      if (next !== item) (copy ??= value.slice())[i] = next;
    });
    changed = copy;
  } else {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const next = SECRET_KEY.test(key) && item !== undefined ? REDACTED : walk(item, seen);
      if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
    }
    changed = copy;
  }
  seen.delete(value);
  return changed ?? value;
}

/** True for `{}` literals and `Object.create(null)`, from any realm. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}
