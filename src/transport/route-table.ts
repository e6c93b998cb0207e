// Routing: path patterns (`/api/tunnels/:id`), and the method + pattern table every request is looked up in.
import { TransportError } from './transport-error';

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Characters a static segment may hold (RFC 3986 pchar minus percent-escapes and `*`, which reads
// like a wildcard and is not one): keeps patterns plain.
const STATIC_SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=@]+$/;

/**
 * A route path such as `/api/tunnels/:id/start`, matched segment by segment against the raw
 * request path. Matching is exact (no trailing-slash or case folding): a near miss is a 404, never
 * a different route with weaker access rules.
 */
export class PathPattern {
  /** Same for patterns that match the same paths (`/a/:id` and `/a/:name`): used to detect clashes. */
  readonly key: string;
  /** One entry per segment: a static string, or `null` for a parameter. */
  private readonly statics: (string | null)[];
  private readonly names: string[];

  constructor(readonly source: string) {
    if (typeof source !== 'string' || !source.startsWith('/')) throw new TypeError(`route path must start with "/": ${String(source)}`);
    const segments = source === '/' ? [''] : source.slice(1).split('/');
    this.statics = [];
    this.names = [];
    for (const segment of segments) {
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        if (!PARAM_NAME.test(name)) throw new TypeError(`invalid parameter "${segment}" in route path ${source}`);
        if (this.names.includes(name)) throw new TypeError(`parameter "${segment}" repeats in route path ${source}`);
        this.names.push(name);
        this.statics.push(null);
      } else {
        if (!(source === '/' || STATIC_SEGMENT.test(segment))) throw new TypeError(`invalid segment "${segment}" in route path ${source}`);
        this.statics.push(segment);
      }
    }
    this.key = '/' + this.statics.map((s) => (s === null ? ':' : s)).join('/');
  }

  /**
   * Parameters when `path` matches, else `null`. Also returns the specificity (static segments
   * count more, earlier ones most) so `/sessions/new` wins over `/sessions/:id`.
   */
  match(path: string): { params: Record<string, string>; specificity: string } | null {
    const segments = path === '/' ? [''] : path.slice(1).split('/');
    if (!path.startsWith('/') || segments.length !== this.statics.length) return null;
    const params: Record<string, string> = {};
    let specificity = '';
    let name = 0;
    for (let i = 0; i < segments.length; i++) {
      const expected = this.statics[i];
      const segment = segments[i];
      if (expected === null) {
        if (segment === '') return null;
        let value: string;
        try {
          value = decodeURIComponent(segment);
        } catch {
          return null; // malformed percent-encoding: not a match rather than a throw
        }
        Object.defineProperty(params, this.names[name++], { value, enumerable: true, writable: true, configurable: true });
        specificity += '0';
      } else {
        if (segment !== expected) return null;
        specificity += '1';
      }
    }
    return { params, specificity };
  }
}

/** What a lookup found: a value with its path parameters, a path without that method, or nothing. */
export type RouteLookup<T> =
  | { kind: 'found'; value: T; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

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

