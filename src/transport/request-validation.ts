import type { z } from 'zod';
import { HttpError, type QueryValues, type RouteSchema } from '../plugin-api/http-routes';

/** One bad field of a request, as listed in a 400's `error.details`. */
export interface FieldIssue {
  /** Where the value came from and its path in it: `params.id`, `query.limit`, `body.command.0`, or just `body`. */
  path: string;
  message: string;
}

/** A request's inputs after a route's schemas, ready for the handler. */
export interface ValidatedInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Applies a route's `params`, `query` and `body` schemas, all three before answering, so a client
 * learns every bad field at once. Throws the one validation error of the API: 400
 * `TF_ERR_BAD_REQUEST` with `details: FieldIssue[]`. Parts without a schema pass through unchanged.
 */
export async function validateRequest(
  schema: RouteSchema | undefined,
  raw: { params: Record<string, string>; searchParams: URLSearchParams; body: unknown },
): Promise<ValidatedInput> {
  const issues: FieldIssue[] = [];
  const params = await validatePart(schema?.params, raw.params, 'params', issues);
  const query = await validatePart(schema?.query, queryValues(raw.searchParams, schema?.query), 'query', issues);
  const body = await validatePart(schema?.body, raw.body, 'body', issues);
  if (issues.length > 0) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new HttpError(400, 'TF_ERR_BAD_REQUEST', `Invalid ${issues[0].path}: ${issues[0].message}${more}`, issues);
  }
  return { params, query, body };
}

async function validatePart(schema: z.ZodType | undefined, value: unknown, where: string, issues: FieldIssue[]): Promise<unknown> {
  if (schema === undefined) return value;
  // Async parse: a plugin's schema may hold async refinements; this path is not the streaming hot path.
  const result = await schema.safeParseAsync(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) issues.push({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message });
  return undefined;
}

/**
 * The query string as {@link QueryValues}: one value is a string, repeated values an array, and a
 * key whose schema is an array always an array (so one `?tag=a` still validates as a list).
 */
export function queryValues(search: URLSearchParams, schema?: z.ZodType): QueryValues {
  const values: QueryValues = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    // defineProperty: a key named `__proto__` stays a plain field.
    Object.defineProperty(values, key, { value: all.length === 1 && !isArrayField(schema, key) ? all[0] : all, enumerable: true, writable: true, configurable: true });
  }
  return values;
}

/** Whether `schema` is an object schema whose `key` is an array, under optional/default/nullable wrappers. */
function isArrayField(schema: z.ZodType | undefined, key: string): boolean {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  let field: unknown = shape !== undefined && Object.hasOwn(shape, key) ? shape[key] : undefined;
  for (let depth = 0; field !== undefined && depth < 8; depth++) {
    const def = (field as { _zod?: { def?: { type?: string; innerType?: unknown } } })._zod?.def;
    if (def?.type === 'array') return true;
    field = def?.innerType;
  }
  return false;
}
