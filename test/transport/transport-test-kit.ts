import { timingSafeEqual } from 'node:crypto';
import WebSocket from 'ws';
import type { AuthRequest, AuthResult, Authenticator, Role } from '../../src/plugin-api/authenticator';
import type { Logger } from '../../src/plugin-api/core-services';
import { UwsServer, type UwsServerOptions } from '../../src/transport/uws-server';

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A real Logger that keeps its lines, so tests can assert what was (and was not) logged. */
export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      lines.push({ level, msg, fields });
    };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => memoryLogger(lines) } as Logger & { lines: LogLine[] };
}

/** Bearer tokens from the Authorization header only; passes when there is none. */
export function bearerAuthenticator(tokens: Record<string, Role>, id = 'test-bearer'): Authenticator {
  return {
    id,
    authenticate(request: AuthRequest): AuthResult {
      const header = request.headers['authorization'];
      if (header === undefined || !header.startsWith('Bearer ')) return { kind: 'pass' };
      const presented = Buffer.from(header.slice('Bearer '.length));
      for (const [token, role] of Object.entries(tokens)) {
        const expected = Buffer.from(token);
        if (expected.length === presented.length && timingSafeEqual(expected, presented)) {
          return { kind: 'allow', principal: { id: `user-${role}`, role, via: id } };
        }
      }
      return { kind: 'deny', status: 401, code: 'TF_ERR_BAD_TOKEN', message: 'Unknown token' };
    },
  };
}

export const TOKENS = { 'admin-token': 'admin', 'writer-token': 'writer', 'viewer-token': 'viewer' } as const satisfies Record<string, Role>;
export const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface Started {
  server: UwsServer;
  url: string;
  port: number;
  wsUrl: string;
  log: Logger & { lines: LogLine[] };
  chain: Authenticator[];
}

/** A real uWS server on 127.0.0.1, port 0, with the bearer authenticator unless a chain is given. */
export async function startServer(overrides: Partial<Omit<UwsServerOptions, 'authenticators'>> & { chain?: Authenticator[] } = {}): Promise<Started> {
  const log = memoryLogger();
  const chain = overrides.chain ?? [bearerAuthenticator(TOKENS)];
  const server = new UwsServer({ host: '127.0.0.1', port: 0, log, authenticators: () => chain, ...overrides });
  const { url, port } = await server.listen();
  return { server, url, port, wsUrl: `ws://127.0.0.1:${port}`, log, chain };
}

/** Polls `predicate` every 10 ms, failing after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type WsAttempt = { kind: 'open'; socket: WebSocket } | { kind: 'refused'; status: number; body: string; headers: Record<string, string | string[] | undefined> };

/** Opens a `ws` client; resolves with the socket, or with the HTTP status that refused the upgrade. */
export function openWs(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<WsAttempt> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, options);
    socket.on('open', () => resolve({ kind: 'open', socket }));
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    socket.on('error', (error) => reject(error));
  });
}

/** Opens a socket that must succeed. */
export async function connectWs(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<WebSocket> {
  const attempt = await openWs(url, options, protocols);
  if (attempt.kind !== 'open') throw new Error(`upgrade refused with ${attempt.status}: ${attempt.body}`);
  return attempt.socket;
}

/** Resolves with the close code and reason of `socket`. */
export function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) resolve({ code: -1, reason: 'already closed' });
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** The next message on `socket`. */
export function nextMessage(socket: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => socket.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })));
}
