/**
 * Evidence (not part of `npm run bench`): does uWebSockets.js itself lose WebSocket payload bytes?
 * `node dist/bench/experiments/uws-frame-loss.js [clients=50] [messages=512] [frameBytes=65536] [rounds=5] [--uncorked] [--fragmented]`
 *
 * A bare uWS.js server (the same package and options as src/transport: no compression, no SSL,
 * 64 MiB maxBackpressure) pumps numbered binary messages of `frameBytes` to every client the way
 * src/sessions/session-stream.ts does: inside `ws.cork()`, while `getBufferedAmount()` is below
 * 1 MiB, resuming on `drain`. The clients (`ws`, in a child process) check every message (sequence,
 * length, content). A message whose payload never arrives leaves its client waiting inside a frame;
 * a payload cut short makes the next frame's bytes part of it (wrong content or a protocol error).
 * No agent code is involved.
 *
 * `--uncorked` sends outside `cork()`; `--fragmented` sends every message over 15 KiB as WebSocket
 * fragments the way src/transport/ws-connection.ts does. Measured on 2026-11-28 (50 clients per
 * round, 64 KiB messages): uncorked 12 of 300 and 5 of 150 clients incomplete; corked 0 of 300 that
 * day (the agent's corked 64 KiB sends had lost payload in an earlier fan-out run); fragmented 0 of
 * 900 (corked, uncorked, and 256 KiB messages).
 */
import { fork } from 'node:child_process';
import * as uWS from 'uWebSockets.js';
import WebSocket from 'ws';

const flags = new Set<string>(process.argv.slice(2).filter((arg) => arg === '--uncorked' || arg === '--fragmented'));
const args = process.argv.slice(2).filter((arg) => !flags.has(arg));
const mode = args[0] === '--client' ? 'client' : 'server';
const FRAGMENT_BYTES = 15 * 1024;

function send(ws: uWS.WebSocket<unknown>, message: Buffer): number {
  if (!flags.has('--fragmented') || message.length <= FRAGMENT_BYTES) return ws.send(message, true);
  let at = FRAGMENT_BYTES;
  ws.sendFirstFragment(message.subarray(0, at), true);
  for (; message.length - at > FRAGMENT_BYTES; at += FRAGMENT_BYTES) ws.sendFragment(message.subarray(at, at + FRAGMENT_BYTES));
  ws.sendLastFragment(message.subarray(at));
  return ws.getBufferedAmount() > 0 ? 0 : 1;
}

function fill(seq: number, frameBytes: number): Buffer {
  const message = Buffer.allocUnsafe(frameBytes);
  message.writeUInt32BE(seq, 0);
  message.writeUInt32BE(frameBytes, 4);
  // Content depends on the sequence number, so a shifted or merged payload is visible.
  for (let i = 8; i < frameBytes; i += 4) message.writeUInt32BE((seq * 2654435761 + i) >>> 0, i);
  return message;
}

async function client(): Promise<void> {
  const [url, countArg, messagesArg, frameArg] = args.slice(1);
  const count = Number(countArg);
  const messages = Number(messagesArg);
  const frameBytes = Number(frameArg);
  const results: Array<Record<string, unknown>> = [];
  let lastProgress = Date.now();
  await Promise.all(Array.from({ length: count }, (_, index) => new Promise<void>((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.binaryType = 'nodebuffer';
    const state = { index, received: 0, bad: 0, firstBad: null as null | string, closed: null as null | number, done: false };
    const finish = () => {
      if (state.done) return;
      state.done = true;
      const receiver = (socket as unknown as { _receiver?: { _state?: number; _bufferedBytes?: number; _payloadLength?: number } })._receiver;
      results.push({ ...state, receiverState: receiver?._state, receiverBuffered: receiver?._bufferedBytes, receiverPayloadLength: receiver?._payloadLength });
      socket.terminate();
      resolve();
    };
    socket.on('message', (data: Buffer) => {
      lastProgress = Date.now();
      const expected = fill(state.received, frameBytes);
      if (!data.equals(expected)) {
        state.bad++;
        state.firstBad ??= `message ${state.received}: got ${data.length} bytes, seq field ${data.length >= 4 ? data.readUInt32BE(0) : -1}`;
      }
      state.received++;
      if (state.received === messages) finish();
    });
    socket.on('close', (code) => {
      state.closed = code;
      finish();
    });
    socket.on('error', () => undefined);
    const watchdog = setInterval(() => {
      if (state.done) return clearInterval(watchdog);
      if (Date.now() - lastProgress > 5000) {
        clearInterval(watchdog);
        finish();
      }
    }, 500);
  })));
  process.send?.(results);
}

async function server(): Promise<void> {
  const clients = Number(args[0] ?? 50);
  const messages = Number(args[1] ?? 512);
  const frameBytes = Number(args[2] ?? 65536);
  const rounds = Number(args[3] ?? 5);
  const CAP = 1024 * 1024;
  const payloads = Array.from({ length: messages }, (_, seq) => fill(seq, frameBytes));
  const sent = new Map<uWS.WebSocket<unknown>, number>();
  const pump = (ws: uWS.WebSocket<unknown>): void => {
    const corked = (fn: () => void): void => (flags.has('--uncorked') ? fn() : void ws.cork(fn));
    corked(() => {
      let next = sent.get(ws) ?? 0;
      while (next < messages && ws.getBufferedAmount() < CAP) {
        const status = send(ws, payloads[next]);
        if (status === 2) break; // dropped: retry later
        next++;
      }
      sent.set(ws, next);
    });
  };
  const app = uWS.App();
  app.ws('/*', {
    compression: uWS.DISABLED,
    maxPayloadLength: 1024 * 1024,
    maxBackpressure: 64 * 1024 * 1024,
    idleTimeout: 120,
    open: (ws) => {
      sent.set(ws, 0);
    },
    drain: (ws) => pump(ws),
    close: (ws) => {
      sent.delete(ws);
    },
  });
  const port = await new Promise<number>((resolve, reject) => app.listen('127.0.0.1', 0, (socket) => {
    if (!socket) return reject(new Error('listen failed'));
    resolve(uWS.us_socket_local_port(socket as unknown as uWS.us_socket));
  }));
  // Like the session stream's coalescing tick: pump every client every few ms.
  const ticker = setInterval(() => {
    for (const ws of sent.keys()) pump(ws);
  }, 3);
  let bad = 0;
  for (let round = 0; round < rounds; round++) {
    const child = fork(__filename, ['--client', `ws://127.0.0.1:${port}/`, String(clients), String(messages), String(frameBytes)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const results = await new Promise<Array<Record<string, unknown>>>((resolve) => child.once('message', (m) => resolve(m as Array<Record<string, unknown>>)));
    child.kill();
    const incomplete = results.filter((r) => r.received !== messages || Number(r.bad) > 0);
    bad += incomplete.length;
    process.stdout.write(JSON.stringify({ round, clients, messages, frameBytes, complete: results.length - incomplete.length, incomplete: incomplete.slice(0, 5) }) + '\n');
  }
  clearInterval(ticker);
  (app as unknown as { close?: () => void }).close?.();
  process.stdout.write(JSON.stringify({ summary: { rounds, clientsPerRound: clients, frameBytes, flags: [...flags], incompleteClients: bad } }) + '\n');
  process.exit(0);
}

(mode === 'client' ? client() : server()).catch((error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
