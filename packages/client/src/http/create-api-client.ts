import createClient, { type Client } from 'openapi-fetch';
import type { Credentials } from '../auth/credentials';
import type { paths } from './api-types';
import { authenticatedFetch, type FetchFunction } from './authenticated-fetch';

/** The agent's HTTP API, typed from its OpenAPI document (openapi-fetch). */
export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** The agent's origin, e.g. `http://127.0.0.1:4020` (no trailing path). */
  baseUrl: string;
  /** Who to act as; null or absent for public routes only. */
  credentials?: Credentials | null;
  /** Another fetch (tests, proxies); default: the global one. */
  fetch?: FetchFunction;
}

/**
 * A typed client for every route of the agent: `api.GET('/api/sessions/{id}', { params: { path: { id } } })`
 * resolves with `{ data, response }` for a 2xx answer and throws a `TunnelForgeError` (code, status,
 * message) for any other, so `data` is there whenever the call returns.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: authenticatedFetch(options.credentials ?? null, options.fetch),
    // Never cookies: the agent authenticates bearer tokens only, and a browser must not send its cookies along.
    credentials: 'omit',
  });
}
