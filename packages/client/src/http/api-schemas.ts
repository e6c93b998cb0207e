import type { paths } from './api-types';

// Named types for what the HTTP API and protocol v1 exchange, taken from the generated OpenAPI
// types so that they follow the agent (regenerate with `npm run gen:client`).

type JsonResponse<Path extends keyof paths, Method extends keyof paths[Path], Status extends number = 200> = paths[Path][Method] extends {
  responses: { [S in Status]: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;
type JsonBody<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;

/** A terminal session as `GET /api/sessions/{id}` and ATTACHED describe it. */
export type SessionInfo = JsonResponse<'/api/sessions/{id}', 'get'>;
/** The body of `POST /api/sessions`. */
export type CreateSessionRequest = NonNullable<JsonBody<'/api/sessions', 'post'>>;
/** The body of `POST /api/sessions/{id}/input`: `{ text }` or `{ key }`. */
export type SessionInputRequest = NonNullable<JsonBody<'/api/sessions/{id}/input', 'post'>>;
/** A share link as `POST /api/sessions/{id}/share` answers it. */
export type ShareLink = JsonResponse<'/api/sessions/{id}/share', 'post', 201>;
/** What login and refresh answer: an access token, a single-use refresh token and the user. */
export type IssuedSession = JsonResponse<'/api/auth/login', 'post'>;
/** The caller as the agent sees it (`GET /api/auth/me`). */
export type Principal = JsonResponse<'/api/auth/me', 'get'>;
/** `GET /api/auth/config`: the active login methods and whether a user name is needed. */
export type AuthConfig = JsonResponse<'/api/auth/config', 'get'>;
/** A WebSocket ticket (`POST /api/auth/ws-ticket`). */
export type WebSocketTicket = JsonResponse<'/api/auth/ws-ticket', 'post'>;
/** A role: what a principal may do. */
export type Role = Principal['role'];
/** A page of a directory listing (`GET /api/files/list`, `GET /api/sessions/{id}/files`). */
export type DirectoryPage = JsonResponse<'/api/sessions/{id}/files', 'get'>;
/** One entry of a directory listing. */
export type FileEntry = DirectoryPage['entries'][number];
/** One completion of a partial path (`GET /api/files/complete`). */
export type PathCompletion = JsonResponse<'/api/files/complete', 'get'>['completions'][number];
/** What an upload into a session answers (`POST /api/sessions/{id}/upload`): the stored files and what was typed. */
export type SessionUpload = JsonResponse<'/api/sessions/{id}/upload', 'post', 201>;
/** A single-use download link (`POST /api/files/download-link`, `POST /api/sessions/{id}/files/download-link`): GET its `url` once, without credentials. */
export type DownloadLink = JsonResponse<'/api/files/download-link', 'post'>;
/** An active share link as `GET /api/shares` lists it (never its token). */
export type ShareInfo = JsonResponse<'/api/shares', 'get'>['shares'][number];
/** The power hold as `GET /api/power` and `power.changed` events carry it. */
export type PowerView = JsonResponse<'/api/power', 'get'>;
/** A tunnel provider's status, as `GET /api/tunnels` and `tunnel.status` events carry it. */
export type TunnelStatus = JsonResponse<'/api/tunnels', 'get'>['tunnels'][number];
/** One plugin as `GET /api/plugins` lists it (what `tunnelforge plugins ls` prints). */
export type PluginInfo = JsonResponse<'/api/plugins', 'get'> extends ReadonlyArray<infer Item> ? Item : never;
/** An API token as `GET /api/tokens` lists it (never the token itself). */
export type ApiTokenInfo = JsonResponse<'/api/tokens', 'get'>['tokens'][number];
