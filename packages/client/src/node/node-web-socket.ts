import WebSocket from 'ws';
import { TunnelForgeError } from '../http/tunnelforge-error';
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
    const socket = new WebSocket(url, protocols, { headers, perMessageDeflate: false, handshakeTimeout: 10_000 });
    // An upgrade answered with an error (401 TF_ERR_BAD_TOKEN, 403 TF_ERR_BAD_ORIGIN, ...): keep the
    // agent's answer as `refusal`, then close, so the connection can say why instead of retrying.
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk.slice(0, 64 * 1024 - body.length)));
      response.once('close', () => {
        const retryAfter = response.headers['retry-after'];
        Object.assign(socket, { refusal: TunnelForgeError.fromBody(response.statusCode ?? 0, body, response.statusMessage, typeof retryAfter === 'string' ? retryAfter : null) });
        socket.terminate();
      });
    });
    return socket as unknown as WebSocketLike;
  },
};
