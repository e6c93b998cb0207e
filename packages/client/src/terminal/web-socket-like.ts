import { SUBPROTOCOL } from '../protocol/protocol-version';
import type { TunnelForgeError } from '../http/tunnelforge-error';

/**
 * The part of the WebSocket API the terminal connection uses: the browser's `WebSocket` and the
 * `ws` package (Node) both have it.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  /**
   * Set before the close event when the agent refused the upgrade with an HTTP answer
   * (`nodeWebSocket` reads it; a browser never learns why an upgrade failed).
   */
  readonly refusal?: TunnelForgeError;
}

/** `readyState` of an open socket (the same in every implementation). */
export const WEB_SOCKET_OPEN = 1;

/** How to open a WebSocket: the browser's, or `nodeWebSocket` from `@tunnelforge/client/node`. */
export interface WebSocketFactory {
  /**
   * Whether `headers` reach the agent. A browser's WebSocket cannot send any, so it authenticates
   * with a single-use ticket in the subprotocol instead; Node's `ws` sends `Authorization`.
   */
  readonly canSendHeaders: boolean;
  open(url: string, protocols: string[], headers: Record<string, string>): WebSocketLike;
}

/** The host's global `WebSocket` (browsers; Node 22+). */
export const globalWebSocket: WebSocketFactory = {
  canSendHeaders: false,
  open(url, protocols) {
    const WebSocketClass = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket;
    if (WebSocketClass === undefined) throw new Error('no global WebSocket here: in Node 20 pass `webSocket: nodeWebSocket` from @tunnelforge/client/node');
    return new WebSocketClass(url, protocols);
  },
};

/**
 * Open a protocol-v1 socket to `url` with `factory` (default: the global WebSocket): the
 * `tunnelforge.v1` subprotocol first, then the credential's own subprotocols (a ticket) and headers.
 */
export function openAgentSocket(factory: WebSocketFactory | undefined, url: string, auth: { protocols?: string[]; headers?: Record<string, string> }): WebSocketLike {
  return (factory ?? globalWebSocket).open(url, [SUBPROTOCOL, ...(auth.protocols ?? []).filter((p) => p !== SUBPROTOCOL)], auth.headers ?? {});
}
