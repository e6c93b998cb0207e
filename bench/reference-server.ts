import * as nodePty from 'node-pty';
import * as uWS from 'uWebSockets.js';
import { Opcode, ProtocolCodec } from '@tunnelforge/client';
import type { AgentEndpoint } from './common';

const BUFFER_CAP = 1024 * 1024;

interface Connection {
  pty: nodePty.IPty | null;
  offset: number;
  paused: boolean;
  closed: boolean;
}

/**
 * The "naive Node" reference (performance.md §C.0): node-pty (`encoding: null`) → one protocol-v1
 * OUTPUT frame per PTY read → uWebSockets.js `send`, with only the backpressure every server needs
 * (pause the PTY above 1 MiB buffered, resume on drain). No ring, no coalescing, no kernel, no
 * plugins, no auth. One PTY per connection, spawned on ATTACH. It runs in the agent's process, on
 * its own port, so the comparison agent/reference shows what the agent's design costs beyond
 * "PTY → uWS → the same client" on this machine.
 */
export class ReferenceServer {
  private readonly connections = new Set<{ ws: uWS.WebSocket<Connection>; state: Connection }>();

  private constructor(
    private readonly app: uWS.TemplatedApp,
    private readonly listenSocket: uWS.us_listen_socket,
    readonly endpoint: AgentEndpoint,
  ) {}

  static start(spawn: { argv: string[]; cols: number; rows: number; cwd: string; env: Record<string, string> }): Promise<ReferenceServer> {
    const app = uWS.App();
    let server: ReferenceServer | null = null;
    app.ws<Connection>('/ws', {
      compression: uWS.DISABLED,
      maxPayloadLength: 1024 * 1024,
      maxBackpressure: 64 * 1024 * 1024,
      idleTimeout: 120,
      upgrade: (res, req, context) => {
        res.upgrade<Connection>({ pty: null, offset: 0, paused: false, closed: false }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
      },
      open: (ws) => {
        server?.connections.add({ ws, state: ws.getUserData() });
      },
      message: (ws, message) => {
        const state = ws.getUserData();
        const data = Buffer.from(new Uint8Array(message));
        if (data[0] === Opcode.ATTACH && state.pty === null) {
          const pty = nodePty.spawn(spawn.argv[0], spawn.argv.slice(1), { name: 'xterm-256color', cols: spawn.cols, rows: spawn.rows, cwd: spawn.cwd, env: spawn.env, encoding: null });
          state.pty = pty;
          pty.onData((chunk) => {
            if (state.closed) return;
            const buffer = chunk as unknown as Buffer;
            ws.send(ProtocolCodec.output(state.offset, buffer), true);
            state.offset += buffer.length;
            if (!state.paused && ws.getBufferedAmount() > BUFFER_CAP) {
              state.paused = true;
              pty.pause();
            }
          });
          const info = { id: 'reference', outputBytes: 0 } as never;
          ws.cork(() => {
            ws.send(ProtocolCodec.attached(info, 'admin', 0), true);
            ws.send(ProtocolCodec.snapshot(0, spawn.cols, spawn.rows, Buffer.alloc(0)), true);
          });
        } else if (data[0] === Opcode.INPUT && state.pty !== null) {
          state.pty.write(data.subarray(1));
        }
      },
      drain: (ws) => {
        const state = ws.getUserData();
        if (state.paused && ws.getBufferedAmount() < BUFFER_CAP) {
          state.paused = false;
          state.pty?.resume();
        }
      },
      close: (ws) => {
        const state = ws.getUserData();
        state.closed = true;
        try {
          state.pty?.kill('SIGKILL');
        } catch {
          /* gone */
        }
        for (const entry of server?.connections ?? []) if (entry.ws === ws) server?.connections.delete(entry);
      },
    });
    return new Promise((resolve, reject) => {
      app.listen('127.0.0.1', 0, (socket) => {
        if (!socket) return reject(new Error('reference server: cannot listen'));
        const port = uWS.us_socket_local_port(socket as unknown as uWS.us_socket);
        server = new ReferenceServer(app, socket, { httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws`, token: 'none' });
        resolve(server);
      });
    });
  }

  /** Send the "go" line to every producer. */
  go(): void {
    for (const { state } of this.connections) state.pty?.write('\r');
  }

  close(): void {
    for (const { ws, state } of [...this.connections]) {
      if (!state.closed) ws.end(1001);
    }
    uWS.us_listen_socket_close(this.listenSocket);
    (this.app as unknown as { close?: () => void }).close?.();
  }
}
