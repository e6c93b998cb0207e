import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { ProtocolCodec } from '@tunnelforge/client';
import type { ServerMessage } from '../../src/testkit/test-ws-client';
import { HttpRoutes, type RouteInfo } from '../../src/plugin-api';
import type { AgentConfigInput } from '../../src/kernel/config/agent-config-schema';
import { startAgent, type AgentUnderTest } from '../integration/agent-harness';
import { readUpgradeRefusal } from '../../src/testkit/read-upgrade-refusal';

/** What an HTTP call came back with. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  text: string;
}

/** Options of {@link request}. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** JSON body (sent with `content-type: application/json`). */
  body?: unknown;
  /** Bearer token for `Authorization`. */
  token?: string;
  /** Source address of the client socket, e.g. `127.0.0.2` (any 127/8 address works on Linux). */
  localAddress?: string;
  /** Give up after this long (default 5 s) and answer status 0: an unexpectedly opened event stream never ends. */
  timeoutMs?: number;
}

/** A raw HTTP request with node:http (so the client's source address can be chosen). */
export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers, localAddress: options.localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(options.timeoutMs ?? 5000, () => {
      req.destroy();
      resolve({ status: 0, headers: {}, body: null, text: 'no complete answer in time' });
    });
    req.end(payload);
  });
}

/** How a WebSocket upgrade went. */
export type Upgrade = { kind: 'open'; socket: WebSocket; protocol: string } | { kind: 'refused'; status: number; code: string | null };

/** Try a WebSocket upgrade; resolves with the open socket or the refusal (status and error code). */
export function upgrade(url: string, options: { headers?: Record<string, string>; protocols?: string[]; origin?: string } = {}): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols, { headers: options.headers, origin: options.origin, perMessageDeflate: false });
    socket.binaryType = 'nodebuffer';
    socket.once('open', () => resolve({ kind: 'open', socket, protocol: socket.protocol }));
    socket.once('unexpected-response', (_req, res) => {
      void readUpgradeRefusal(res).then((refusal) => resolve({ kind: 'refused', ...refusal }));
    });
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

/** A running agent with every built-in plugin, a data dir the test owns, and auth helpers. */
export interface AuthAgent extends AgentUnderTest {
  dataDir: string;
  /** The generated admin password (from `initial-admin-password`), when there is one. */
  adminPassword: string | null;
  /** HTTP call against this agent. */
  call(route: string, options?: RequestOptions): Promise<Reply>;
  /** `POST /api/auth/login`; returns the parsed reply. */
  login(password: string, username?: string, localAddress?: string): Promise<Reply>;
  /** Every registered route (the server's own list). */
  routes(): RouteInfo[];
  /** The JWT signing key from the data dir (to mint expired or foreign-signed tokens in tests). */
  jwtKey(): Uint8Array;
}

/**
 * Start the real agent (all built-in plugins, real uWS on 127.0.0.1:0) on `dataDir` (a new temp dir
 * unless given; a given one is kept when the agent stops, so a test can restart on it).
 */
export async function startAuthAgent(config: AgentConfigInput = {}, dataDir?: string): Promise<AuthAgent> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tf-auth-'));
  const agent = await startAgent({ ...config, dataDir: dir });
  let adminPassword: string | null = null;
  try {
    adminPassword = readFileSync(path.join(dir, 'initial-admin-password'), 'utf8').trim();
  } catch {
    // users from config or env
  }
  const call = (route: string, options: RequestOptions = {}) => request(agent.url + route, options);
  return {
    ...agent,
    dataDir: dir,
    adminPassword,
    call,
    login: (password, username, localAddress) => call('/api/auth/login', { method: 'POST', body: username === undefined ? { password } : { username, password }, localAddress }),
    routes: () => agent.tk.get(HttpRoutes)!.routes(),
    jwtKey: () => Buffer.from(readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim(), 'base64url'),
    async stop() {
      await agent.stop();
      if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sign a token the way auth-jwt does, with any key and claims (for forged and expired tokens). */
export function mintJwt(key: Uint8Array, claims: { sub?: string; role?: string; fam?: string; jti?: string; aud?: string; exp: number; iat?: number; sid?: string }): Promise<string> {
  const { sub = 'admin', role = 'admin', aud = 'tunnelforge:access', exp, iat = exp - 900, jti = 'f'.repeat(32), ...rest } = claims;
  return new SignJWT({ role, ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('tunnelforge')
    .setAudience(aud)
    .setSubject(sub)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
}

/** The payload of a JWT (not verified: for reading claims in tests). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Protocol v1 over an already open socket: records decoded frames, waits for one. */
export class Frames {
  readonly messages: ServerMessage[] = [];
  closed: { code: number } | null = null;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.messages.push(ProtocolCodec.decodeServer(data)));
    socket.on('close', (code) => (this.closed = { code }));
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame, { binary: true });
  }

  /** The first frame (seen or future) matching `predicate`, or an error after `timeoutMs`. */
  async waitFor(predicate: (message: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** All OUTPUT received so far, as text. */
  text(): string {
    return Buffer.concat(this.messages.flatMap((m) => (m.type === 'output' || m.type === 'snapshot' ? [m.data] : []))).toString('utf8');
  }
}
