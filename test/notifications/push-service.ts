import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ece = require('http_ece') as { decrypt(buffer: Buffer, params: { version: string; privateKey: ECDH; authSecret: string }): Buffer };

/** A browser's side of a subscription: the key pair and auth secret only the device holds. */
export interface DeviceKeys {
  ecdh: ECDH;
  /** base64url, as PushSubscription.toJSON() gives them. */
  p256dh: string;
  auth: string;
}

export function deviceKeys(): DeviceKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

/** Decrypts an aes128gcm Web Push body (RFC 8291/8188) with the device's keys. */
export function decryptPush(body: Buffer, keys: DeviceKeys): unknown {
  return JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth }).toString('utf8'));
}

/** One request the push service received. */
export interface ReceivedPush {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** How the push service answers a path: a status, or never (a hung push service). */
export type Behaviour = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A push service on 127.0.0.1: records every request (path, headers, encrypted body) and answers
 * each path as told (201 by default); a script of answers per path is used up in order, the last
 * one repeating.
 */
export class TestPushService {
  readonly received: ReceivedPush[] = [];
  private readonly scripts = new Map<string, Behaviour[]>();
  private readonly hung = new Set<http.ServerResponse>();
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<TestPushService> {
    let service!: TestPushService;
    const server = http.createServer((request, response) => service.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    service = new TestPushService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return service;
  }

  /** The endpoint URL of a device at `path` (e.g. `/push/phone`). */
  endpoint(path: string): string {
    return this.url + path;
  }

  answer(path: string, ...behaviours: Behaviour[]): void {
    this.scripts.set(path, behaviours);
  }

  receivedAt(path: string): ReceivedPush[] {
    return this.received.filter((push) => push.path === path);
  }

  /** Waits until `path` has received `count` requests. */
  async waitFor(path: string, count = 1, timeoutMs = 5000): Promise<ReceivedPush[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.receivedAt(path).length < count) {
      if (Date.now() > deadline) throw new Error(`push service: ${this.receivedAt(path).length} of ${count} pushes at ${path} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.receivedAt(path);
  }

  async stop(): Promise<void> {
    for (const response of this.hung) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks), at: Date.now() });
      const script = this.scripts.get(path) ?? [{ status: 201 }];
      const behaviour = script.length > 1 ? script.shift()! : script[0];
      if (behaviour === 'hang') {
        this.hung.add(response);
        response.on('close', () => this.hung.delete(response));
        return;
      }
      response.writeHead(behaviour.status, behaviour.headers ?? {});
      response.end();
    });
  }
}
