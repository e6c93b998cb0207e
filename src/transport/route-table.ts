import { PathPattern } from './path-pattern';
import type { RouteLookup } from './route-lookup';
import { TransportError } from './transport-error';

interface PathEntry<T> {
  pattern: PathPattern;
  methods: Map<string, T>;
}

/**
 * Method + path-pattern router, consulted on every request by the single uWS catch-all handler.
 * Living outside uWS lets routes come and go after `listen` (plugins activate and deactivate).
 */
export class RouteTable<T> {
  private readonly paths = new Map<string, PathEntry<T>>();

  /** Registers `value`; returns a function that removes exactly this registration. */
  add(method: string, path: string, value: T): () => void {
    const pattern = new PathPattern(path);
    let entry = this.paths.get(pattern.key);
    if (entry === undefined) {
      entry = { pattern, methods: new Map() };
      this.paths.set(pattern.key, entry);
    }
    if (entry.methods.has(method)) {
      throw new TransportError('TF_ERR_ROUTE_CONFLICT', `${method} ${path} is already registered (as ${entry.pattern.source})`);
    }
    entry.methods.set(method, value);
    const own = entry;
    return () => {
      if (own.methods.get(method) !== value) return;
      own.methods.delete(method);
      if (own.methods.size === 0 && this.paths.get(pattern.key) === own) this.paths.delete(pattern.key);
    };
  }

  /**
   * The most specific pattern that matches `path` and has `method` wins, so `POST /sessions/new`
   * does not shadow `GET /sessions/:id`. A path that matches only under other methods is a 405.
   */
  lookup(method: string, path: string): RouteLookup<T> {
    const matches: { entry: PathEntry<T>; params: Record<string, string>; specificity: string }[] = [];
    for (const entry of this.paths.values()) {
      const match = entry.pattern.match(path);
      if (match !== null) matches.push({ entry, ...match });
    }
    if (matches.length === 0) return { kind: 'not-found' };
    matches.sort((a, b) => (a.specificity < b.specificity ? 1 : a.specificity > b.specificity ? -1 : 0));
    for (const match of matches) {
      const value = match.entry.methods.get(method);
      if (value !== undefined) return { kind: 'found', value, params: match.params };
    }
    const allowed = new Set(matches.flatMap((match) => [...match.entry.methods.keys()]));
    return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
  }

  /** Every registration with its method and path pattern, in registration order. */
  entries(): { method: string; path: string; value: T }[] {
    return [...this.paths.values()].flatMap((entry) => [...entry.methods].map(([method, value]) => ({ method, path: entry.pattern.source, value })));
  }

  /** Every registered value (for shutdown). */
  values(): T[] {
    return [...this.paths.values()].flatMap((entry) => [...entry.methods.values()]);
  }
}
