import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Logger } from '../../plugin-api';
import {
  flowFrame, HOST_PROTOCOL, HostFrame, HostFrameReader, inputFrame, jsonFrame, readOffset, resizeFrame,
} from './host-frames';
import type { HostCreateSpec, HostExit, HostNotice, HostRefusal, HostReply, HostRequest, HostSessionState, HostWelcome } from './host-messages';
import { hostPaths, type HostPaths } from './host-paths';

/** How long the agent waits for a host it started to listen. */
const START_TIMEOUT_MS = 10_000;
/** How long one request may take (a ring dump of a big ring included). */
const REQUEST_TIMEOUT_MS = 30_000;
/** Output buffered for a session nobody has bound yet (between create/adopt and bind). */
const MAX_UNBOUND_BYTES = 16 * 1024 * 1024;

/** A problem with the session host, with a stable code. */
export class HostError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'HostError';
  }
}

/** What a bound session hears from the host. */
export interface HostSessionSink {
  onOutput(offset: number, data: Buffer): void;
  onExit(exit: HostExit): void;
  onRecordingStopped(message: string): void;
}

export interface HostClientOptions {
  dataDir: string;
  log: Logger;
  agentVersion: string;
  agentInstanceId: string;
  /** Called once when the link to the host breaks without `close()` (the host died). */
  onLost(reason: string): void;
  /** The host program (default: host-main.js next to this file in the build). */
  hostEntry?: string;
}

type Unbound = { frames: Array<{ offset: number; data: Buffer } | { exit: HostExit }>; bytes: number };

/**
 * The agent's end of the session host link: finds or starts the host of its data dir, proves it is
 * the same OS user (the secret file), and then carries requests, input and output. The host serves
 * one agent at a time.
 */
export class HostClient {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private readonly sinks = new Map<number, HostSessionSink>();
  private readonly unbound = new Map<number, Unbound>();
  private nextRequest = 1;
  private closing = false;
  private lost = false;
  /** `shutdown` was asked for: the host will close the link. */
  private ending = false;

  private constructor(
    private readonly socket: net.Socket,
    readonly welcome: HostWelcome,
    private readonly options: HostClientOptions,
    reader: HostFrameReader,
    early: ReadonlyArray<[number, Buffer]>,
  ) {
    reader.onFrame = (type, payload) => this.onFrame(type, payload);
    for (const [type, payload] of early) this.onFrame(type, payload);
    reader.onError = (message) => {
      options.log.error('the session host sent a broken frame; dropping the link', { reason: message });
      socket.destroy();
    };
    socket.on('close', () => this.onClose());
    socket.on('error', () => undefined);
  }

  /** The host's id (new when a host was started, the same when one was adopted). */
  get hostId(): string {
    return this.welcome.hostId;
  }

  get connected(): boolean {
    return !this.closing && !this.lost;
  }

  /**
   * Connect to the data dir's host, starting one when none runs. Throws `HostError` with a clear
   * message when the host refuses (another agent is connected, another version, wrong secret) or
   * no host comes up.
   */
  static async connect(options: HostClientOptions): Promise<HostClient> {
    const paths = hostPaths(options.dataDir);
    let link = await tryConnect(paths, options).catch((error: unknown) => error as Error);
    if (link instanceof HostError) throw link;
    if (link instanceof Error) {
      startHost(paths, options);
      link = await waitForHost(paths, options);
    }
    return new HostClient(link.socket, link.welcome, options, link.reader, link.early);
  }

  /** Receive a session's output and exit (buffered output since create/adopt is delivered first). */
  bind(handle: number, sink: HostSessionSink): void {
    this.sinks.set(handle, sink);
    const early = this.unbound.get(handle);
    this.unbound.delete(handle);
    for (const frame of early?.frames ?? []) {
      if ('exit' in frame) sink.onExit(frame.exit);
      else sink.onOutput(frame.offset, frame.data);
    }
  }

  unbind(handle: number): void {
    this.sinks.delete(handle);
    this.unbound.delete(handle);
  }

  create(spec: HostCreateSpec): Promise<{ handle: number; pid: number }> {
    return this.request({ op: 'create', spec }) as Promise<{ handle: number; pid: number }>;
  }

  async list(): Promise<HostSessionState[]> {
    return ((await this.request({ op: 'list' })) as { sessions: HostSessionState[] }).sessions;
  }

  /** The ring of a session: its bytes and the absolute offset of the first. */
  ring(handle: number): Promise<{ start: number; data: Buffer }> {
    return this.request({ op: 'ring', handle }) as Promise<{ start: number; data: Buffer }>;
  }

  rename(handle: number, name: string): Promise<unknown> {
    return this.request({ op: 'rename', handle, name });
  }

  kill(handle: number, signal: 'SIGTERM' | 'SIGHUP' | 'SIGKILL'): Promise<unknown> {
    return this.request({ op: 'kill', handle, signal });
  }

  remove(handle: number): Promise<unknown> {
    this.unbind(handle);
    return this.request({ op: 'remove', handle });
  }

  /** End every session and the host (its closing the link afterwards is expected, not a loss). */
  shutdown(): Promise<unknown> {
    const done = this.request({ op: 'shutdown' });
    this.ending = true;
    return done;
  }

  input(handle: number, data: Uint8Array): boolean {
    return this.send(inputFrame(handle, data));
  }

  resize(handle: number, cols: number, rows: number): boolean {
    return this.send(resizeFrame(handle, cols, rows));
  }

  pause(handle: number): void {
    this.send(flowFrame(HostFrame.PAUSE, handle));
  }

  resume(handle: number): void {
    this.send(flowFrame(HostFrame.RESUME, handle));
  }

  /** Leave the host running with its sessions (the next agent adopts them). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 2000).unref();
    });
  }

  private send(frame: Buffer): boolean {
    if (!this.connected) return false;
    this.socket.write(frame);
    return true;
  }

  private request(body: DistributiveOmit<HostRequest, 'id'>): Promise<unknown> {
    if (!this.connected) return Promise.reject(new HostError('TF_ERR_HOST_LOST', 'the session host is not connected'));
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostError('TF_ERR_HOST_TIMEOUT', `the session host did not answer ${body.op} in ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(jsonFrame(HostFrame.REQUEST, { ...body, id }));
    });
  }

  private settle(id: number, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (outcome.ok) entry.resolve(outcome.value);
    else entry.reject(outcome.error);
  }

  private onFrame(type: number, payload: Buffer): void {
    switch (type) {
      case HostFrame.OUTPUT: {
        const handle = payload.readUInt32BE(0);
        const offset = readOffset(payload, 4);
        const data = payload.subarray(12);
        const sink = this.sinks.get(handle);
        if (sink) sink.onOutput(offset, data);
        else this.buffer(handle, { offset, data: Buffer.from(data) }, data.length);
        return;
      }
      case HostFrame.EXIT: {
        const exit = JSON.parse(payload.toString('utf8')) as HostExit;
        const sink = this.sinks.get(exit.handle);
        if (sink) sink.onExit(exit);
        else this.buffer(exit.handle, { exit }, 0);
        return;
      }
      case HostFrame.REPLY: {
        const reply = JSON.parse(payload.toString('utf8')) as HostReply;
        if (reply.ok) this.settle(reply.id, { ok: true, value: reply.result });
        else this.settle(reply.id, { ok: false, error: new HostError(reply.error.code, reply.error.message) });
        return;
      }
      case HostFrame.NOTICE: {
        const notice = JSON.parse(payload.toString('utf8')) as HostNotice;
        this.sinks.get(notice.handle)?.onRecordingStopped(notice.recordingStopped);
        return;
      }
      case HostFrame.RING:
        this.settle(payload.readUInt32BE(0), { ok: true, value: { start: readOffset(payload, 4), data: Buffer.from(payload.subarray(12)) } });
        return;
      default:
        this.options.log.warn('unknown frame from the session host', { type });
    }
  }

  private buffer(handle: number, frame: Unbound['frames'][number], bytes: number): void {
    const entry = this.unbound.get(handle) ?? { frames: [], bytes: 0 };
    if (entry.bytes + bytes > MAX_UNBOUND_BYTES) return; // nobody claimed it; the ring still has it
    entry.frames.push(frame);
    entry.bytes += bytes;
    this.unbound.set(handle, entry);
  }

  private onClose(): void {
    for (const [id] of this.pending) this.settle(id, { ok: false, error: new HostError('TF_ERR_HOST_LOST', 'the session host connection closed') });
    if (this.closing || this.ending) {
      this.closing = true;
      return;
    }
    this.lost = true;
    this.options.onLost('the session host exited or closed the connection');
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Link {
  socket: net.Socket;
  welcome: HostWelcome;
  reader: HostFrameReader;
  /** Frames that arrived after WELCOME, before the client took the link over. */
  early: Array<[number, Buffer]>;
}

/** The host program in this build (tests run TypeScript sources: use the compiled one). */
function defaultHostEntry(): string {
  if (__filename.endsWith('.ts')) return path.resolve(__dirname, '../../../dist/src/sessions/host/host-main.js');
  return path.join(__dirname, 'host-main.js');
}

function startHost(paths: HostPaths, options: HostClientOptions): void {
  const entry = options.hostEntry ?? defaultHostEntry();
  if (!existsSync(entry)) throw new HostError('TF_ERR_HOST_START', `the session host program is missing: ${entry} (run npm run build)`);
  const log = openSync(paths.log, 'a', 0o600);
  try {
    const env = { ...process.env };
    delete env.TUNNELFORGE_PASSWORD; // a secret the host has no use for
    // Detached: its own process group and session, so the agent's end (or its terminal's) is not the host's.
    const child = spawn(process.execPath, [entry, '--data-dir', path.dirname(paths.lock)], { detached: true, stdio: ['ignore', log, log], env });
    child.unref();
    options.log.info('started a session host', { pid: child.pid, log: paths.log });
  } finally {
    closeSync(log);
  }
}

async function waitForHost(paths: HostPaths, options: HostClientOptions): Promise<Link> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last: Error = new Error('no answer');
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const link = await tryConnect(paths, options).catch((error: unknown) => error as Error);
    if (!(link instanceof Error)) return link;
    if (link instanceof HostError) throw link;
    last = link;
  }
  throw new HostError('TF_ERR_HOST_START', `the session host did not come up in ${START_TIMEOUT_MS / 1000} s (${last.message}); see ${paths.log}`);
}

/** One attempt: socket from the info file, HELLO with the secret, WELCOME or REFUSED. */
function tryConnect(paths: HostPaths, options: HostClientOptions): Promise<Link> {
  let secret: string;
  let socketPath: string;
  try {
    socketPath = (JSON.parse(readFileSync(paths.info, 'utf8')) as { socket: string }).socket;
    secret = readFileSync(paths.secret, 'utf8').trim();
  } catch (error) {
    return Promise.reject(new Error(`no running host (${(error as Error).message})`));
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => fail(new Error('the host did not answer HELLO')), 5000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const reader = new HostFrameReader((type, payload) => {
      clearTimeout(timer);
      if (type === HostFrame.WELCOME) {
        const welcome = JSON.parse(payload.toString('utf8')) as HostWelcome;
        // The host streams output right after WELCOME, possibly in the same read: keep it for the client.
        const early: Array<[number, Buffer]> = [];
        reader.onFrame = (later, body) => void early.push([later, Buffer.from(body)]);
        return resolve({ socket, welcome, reader, early });
      }
      if (type === HostFrame.REFUSED) {
        const refusal = JSON.parse(payload.toString('utf8')) as HostRefusal;
        return fail(new HostError(refusal.code, `the session host refused this agent: ${refusal.message}`));
      }
      fail(new HostError('TF_ERR_BAD_FRAME', `the session host answered HELLO with frame type ${type}`));
    }, (message) => fail(new HostError('TF_ERR_BAD_FRAME', `the session host sent a broken frame: ${message}`)));
    // The reader outlives the handshake: the client takes it over with the socket.
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.once('error', (error) => fail(error));
    socket.once('connect', () => {
      socket.write(jsonFrame(HostFrame.HELLO, { protocol: HOST_PROTOCOL, secret, agentVersion: options.agentVersion, agentInstanceId: options.agentInstanceId }));
    });
  });
}
