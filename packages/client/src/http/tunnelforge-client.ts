import type { Credentials } from '../auth/credentials';
import { LoginSession, type LoginOptions } from '../auth/login-session';
import { TerminalConnection, type TerminalConnectionOptions, type WebSocketAuth } from '../terminal/terminal-connection';
import { globalWebSocket, type WebSocketFactory } from '../terminal/web-socket-like';
import type { AuthConfig, CreateSessionRequest, Principal, SessionInfo, SessionInputRequest, ShareLink, WebSocketTicket } from './api-schemas';
import type { FetchFunction } from './authenticated-fetch';
import { createApiClient, type ApiClient } from './create-api-client';
import { TunnelForgeError } from './tunnelforge-error';

export interface TunnelForgeClientOptions {
  /** The agent's origin, e.g. `http://127.0.0.1:4020`. */
  baseUrl: string;
  /** A {@link LoginSession}, `bearerToken(apiToken)`, `await localToken()` (Node); none for public routes only. */
  credentials?: Credentials | null;
  /** How to open WebSockets. Default: the global WebSocket (browsers); in Node 20 `nodeWebSocket` from `@tunnelforge/client/node`. */
  webSocket?: WebSocketFactory;
  fetch?: FetchFunction;
}

/** Options of {@link TunnelForgeClient.terminal}: those of TerminalConnection that are not the client's to give. */
export type TerminalOptions = Omit<TerminalConnectionOptions, 'url' | 'sessionId' | 'authenticate' | 'webSocket'>;

/**
 * The agent from a client's side: the typed HTTP API (`api`, every route) with shortcuts for the
 * common calls, and terminal connections that authenticate themselves. Every error answer throws
 * a `TunnelForgeError` with the agent's `TF_ERR_*` code, HTTP status and message.
 */
export class TunnelForgeClient {
  readonly baseUrl: string;
  /** Every route of the agent, typed from its OpenAPI document (openapi-fetch). */
  readonly api: ApiClient;
  readonly credentials: Credentials | null;
  private readonly webSocket: WebSocketFactory;

  constructor(options: TunnelForgeClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.credentials = options.credentials ?? null;
    this.webSocket = options.webSocket ?? globalWebSocket;
    this.api = createApiClient({ baseUrl: this.baseUrl, credentials: this.credentials, fetch: options.fetch });
  }

  /** Log in with a password and get a client acting as that user (its `credentials` is the {@link LoginSession}). */
  static async login(options: Omit<TunnelForgeClientOptions, 'credentials'> & LoginOptions): Promise<TunnelForgeClient & { credentials: LoginSession }> {
    const session = await LoginSession.login(options.baseUrl, options);
    return new TunnelForgeClient({ ...options, credentials: session }) as TunnelForgeClient & { credentials: LoginSession };
  }

  /** `ws://…/ws` for this agent. */
  get webSocketUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/ws`;
  }

  /** How to log in here (public). */
  async authConfig(): Promise<AuthConfig> {
    return (await this.api.GET('/api/auth/config')).data!;
  }

  /** Who the credentials stand for. */
  async me(): Promise<Principal> {
    return (await this.api.GET('/api/auth/me')).data!;
  }

  /** Log out when the credentials are a login (revokes it on the agent); nothing to do for a token. */
  async logout(): Promise<void> {
    if (this.credentials instanceof LoginSession) await this.credentials.logout();
  }

  readonly sessions = {
    list: async (): Promise<SessionInfo[]> => (await this.api.GET('/api/sessions')).data!.sessions,
    get: async (id: string): Promise<SessionInfo> => (await this.api.GET('/api/sessions/{id}', { params: { path: { id } } })).data!,
    /** Start a session: `command` (argv, default the login shell), `cwd`, `env`, `name`, `cols`, `rows`. */
    create: async (request: CreateSessionRequest = {}): Promise<SessionInfo> => (await this.api.POST('/api/sessions', { body: request })).data!,
    rename: async (id: string, name: string): Promise<SessionInfo> => (await this.api.PATCH('/api/sessions/{id}', { params: { path: { id } }, body: { name } })).data!,
    /** A running session: end its process (the session stays, exited). An exited one: remove it (undefined). */
    kill: async (id: string): Promise<SessionInfo | undefined> => (await this.api.DELETE('/api/sessions/{id}', { params: { path: { id } } })).data as SessionInfo | undefined,
    /** Type into a session over HTTP (`{ text }` or `{ key: 'enter' }`); a terminal connection's `input` is faster. */
    input: async (id: string, input: SessionInputRequest): Promise<void> => {
      await this.api.POST('/api/sessions/{id}/input', { params: { path: { id } }, body: input });
    },
    resize: async (id: string, cols: number, rows: number): Promise<SessionInfo> => (await this.api.POST('/api/sessions/{id}/resize', { params: { path: { id } }, body: { cols, rows } })).data!,
    /** The visible screen as text, one line per row (trailing spaces trimmed). */
    text: async (id: string): Promise<string> => (await this.api.GET('/api/sessions/{id}/text', { params: { path: { id } }, parseAs: 'text' })).data!,
    /** A read-only share link (`<origin>/#share=<token>`). */
    share: async (id: string, expiresInMinutes?: number): Promise<ShareLink> =>
      (await this.api.POST('/api/sessions/{id}/share', { params: { path: { id } }, body: expiresInMinutes === undefined ? {} : { expiresInMinutes } })).data!,
  };

  /** A single-use WebSocket ticket (30 s), narrowed to `sessionId` when given: how browsers authenticate a WebSocket. */
  async webSocketTicket(sessionId?: string): Promise<WebSocketTicket> {
    return (await this.api.POST('/api/auth/ws-ticket', { body: sessionId === undefined ? {} : { sessionId } })).data!;
  }

  /**
   * A terminal connection to `sessionId` (not yet connected: call `connect()`). It authenticates each
   * connect the way the WebSocket implementation allows: `Authorization: Bearer` where headers can be
   * sent (Node), a fresh single-use ticket otherwise (browsers).
   */
  terminal(sessionId: string, options: TerminalOptions = {}): TerminalConnection {
    return new TerminalConnection({ ...options, url: this.webSocketUrl, sessionId, webSocket: this.webSocket, authenticate: () => this.webSocketAuth(sessionId) });
  }

  /** What to offer on one WebSocket connect to `sessionId`. */
  async webSocketAuth(sessionId?: string): Promise<WebSocketAuth> {
    if (this.credentials === null) return {};
    if (!this.webSocket.canSendHeaders) return { protocols: [`tunnelforge.ticket.${(await this.webSocketTicket(sessionId)).ticket}`] };
    const token = await this.credentials.token();
    if (token === null) throw new TunnelForgeError('TF_ERR_LOGGED_OUT', 'no credential: the login ended', 401);
    return { headers: { authorization: `Bearer ${token}` } };
  }
}
