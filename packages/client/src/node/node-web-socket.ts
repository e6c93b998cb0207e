import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../terminal/web-socket-like';

/**
 * WebSockets for Node 20 (which has no global WebSocket), from the `ws` package: it sends headers,
 * so the terminal connection authenticates with `Authorization: Bearer` and needs no ticket. No
 * Origin header is sent (a desktop client is no browser), and permessage-deflate is off (terminal
 * output is small frames, latency first).
 */
export const nodeWebSocket: WebSocketFactory = {
  canSendHeaders: true,
  open(url, protocols, headers) {
    return new WebSocket(url, protocols, { headers, perMessageDeflate: false, handshakeTimeout: 10_000 }) as unknown as WebSocketLike;
  },
};
