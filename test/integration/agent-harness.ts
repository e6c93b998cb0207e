import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { ProtocolCodec } from '@tunnelforge/client';
import type { ServerMessage } from '../../src/testkit/test-ws-client';
import { builtinPlugins } from '../../src/agent/builtin-plugins';
import type { AgentConfigInput } from '../../src/kernel/config/agent-config-schema';
import { startTestKernel, type TestKernel } from '../../src/testkit';
import { callJson } from '../support/call-json';

/** A running agent (real kernel, real uWS on 127.0.0.1:0, real PTYs) and ways to talk to it. */
export interface AgentUnderTest {
  tk: TestKernel;
  url: string;
  wsUrl: string;
  token: string;
  /** JSON API call with the local token; returns status and parsed body (or text). */
  api(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** Open a protocol v1 WebSocket with the local token (no Origin, like a desktop client). */
  connect(options?: { headers?: Record<string, string> }): Promise<WsClient>;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfigInput = {}): Promise<AgentUnderTest> {
  const tk = await startTestKernel({ plugins: builtinPlugins(), config: { port: 0, logLevel: 'warn', ...config } });
  const url = localUrl(tk);
  const token = readFileSync(path.join(tk.dataDir, 'local-token'), 'utf8').trim();
  const wsUrl = url.replace(/^http/, 'ws') + '/ws';
  const clients = new Set<WsClient>();
  return {
    tk,
    url,
    wsUrl,
    token,
    api: (method, route, body, headers = {}) => callJson(url + route, token, method, body, headers),
    async connect(options = {}) {
      const client = await WsClient.open(wsUrl, { authorization: `Bearer ${token}`, ...options.headers });
      clients.add(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.terminate();
      await tk.stop();
    },
  };
}

function localUrl(tk: TestKernel): string {
  const event = tk.events.find((e) => e.type === 'server.listening');
  if (!event) throw new Error('agent did not report server.listening');
  return (event.data as { url: string }).url;
}

/** A real `ws` client speaking protocol v1, recording every decoded frame. */
export class WsClient {
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  private listeners = new Set<(message: ServerMessage) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer) => {
      const message = ProtocolCodec.decodeServer(data);
      this.messages.push(message);
      for (const listener of [...this.listeners]) listener(message);
    });
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static open(url: string, headers: Record<string, string>): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, perMessageDeflate: false });
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  onMessage(listener: (message: ServerMessage) => void): void {
    this.listeners.add(listener);
  }

  send(frame: Uint8Array): void {
    this.socket.send(frame, { binary: true });
  }

  attach(sessionId: string, offset?: number): Promise<Extract<ServerMessage, { type: 'attached' }>> {
    this.send(ProtocolCodec.attach(offset === undefined ? { sessionId } : { sessionId, offset }));
    return this.waitFor((m): m is Extract<ServerMessage, { type: 'attached' }> => m.type === 'attached') as never;
  }

  input(text: string): void {
    this.send(ProtocolCodec.input(text));
  }

  /** Resolve with the first message (already received or future) matching `predicate`. */
  waitFor(predicate: (message: ServerMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<ServerMessage> {
    const seen = this.messages.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no matching frame within ${timeoutMs} ms; last: ${JSON.stringify(this.messages.slice(-3).map((m) => m.type))}`));
      }, timeoutMs);
      const listener = (message: ServerMessage) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(message);
      };
      this.listeners.add(listener);
    });
  }

  /** Output bytes received so far (OUTPUT payloads in order). */
  output(): Buffer {
    return Buffer.concat(this.messages.flatMap((m) => (m.type === 'output' ? [m.data] : [])));
  }

  /** Wait until the output (as text) contains `marker`. */
  async waitForText(marker: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output().toString('utf8').includes(marker)) {
      if (Date.now() > deadline) throw new Error(`"${marker}" not seen within ${timeoutMs} ms`);
      await this.waitFor((m) => m.type === 'output', Math.max(1, deadline - Date.now()), this.messages.length).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
    });
  }

  terminate(): void {
    this.socket.terminate();
  }
}
