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
