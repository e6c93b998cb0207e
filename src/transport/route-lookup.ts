/** What a lookup found: a value with its path parameters, a path without that method, or nothing. */
export type RouteLookup<T> =
  | { kind: 'found'; value: T; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };
