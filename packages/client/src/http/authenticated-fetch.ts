import type { Credentials } from '../auth/credentials';
import { TunnelForgeError } from './tunnelforge-error';

/** `fetch` as openapi-fetch calls it: one Request (plus openapi-fetch's optional init extension). */
export type FetchFunction = (request: Request, init?: RequestInit) => Promise<Response>;

/**
 * A fetch that adds `Authorization: Bearer` from `credentials`, retries once after a 401 when the
 * credentials could renew themselves (a login's refresh), and turns every error answer into a
 * thrown {@link TunnelForgeError}: callers only ever see successful responses.
 */
export function authenticatedFetch(credentials: Credentials | null, baseFetch: FetchFunction = (request, init) => fetch(request, init)): FetchFunction {
  return async (request, init) => {
    // Kept before sending: a request's body can be read once.
    const retry = credentials?.renew ? request.clone() : null;
    let response = await baseFetch(await withBearer(request, credentials), init);
    if (response.status === 401 && retry !== null && (await credentials!.renew!())) {
      response = await baseFetch(await withBearer(retry, credentials), init);
    }
    if (!response.ok) throw await TunnelForgeError.fromResponse(response);
    return response;
  };
}

async function withBearer(request: Request, credentials: Credentials | null): Promise<Request> {
  const token = credentials === null ? null : await credentials.token();
  if (token !== null) request.headers.set('authorization', `Bearer ${token}`);
  return request;
}
