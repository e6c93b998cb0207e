import { randomUUID, timingSafeEqual } from 'node:crypto';
import type * as net from 'node:net';
import type { Clock, Logger } from '../../plugin-api';
import { HOST_PROTOCOL, HostFrame, HostFrameReader, jsonFrame, MAX_HOST_FRAME, outputHeader, ringFrame } from './host-frames';
import type { HostExit, HostHello, HostNotice, HostRefusal, HostReply, HostRequest, HostWelcome } from './host-messages';
import { SpawnQueue } from '../spawn-queue';
import { HostSession } from './host-session';

/** How long a new connection may take to say HELLO. */
const HELLO_TIMEOUT_MS = 5000;
/** Largest frame before HELLO: a handshake is small, whoever sends more is not an agent. */
const MAX_HELLO_FRAME = 64 * 1024;

export interface SessionHostServerOptions {
  secret: string;
  version: string;
  clock: Clock;
  log: Logger;
  /** Called when an agent asked the host to end (`shutdown`), after every session was ended. */
  onShutdown(): void;
}

interface AgentLink {
  socket: net.Socket;
  /** Output not yet sent, per session, flushed once per loop turn. */
  pending: Map<HostSession, { offset: number; chunks: Buffer[]; total: number }>;
  flushScheduled: boolean;
  /** The socket refused more (backpressure): PTYs are paused until it drains. */
  congested: boolean;
}

/**
 * The session host's side of the agent link: owns the sessions, accepts one authenticated agent at
 * a time, streams output to it in batches (one frame per session per loop turn), and keeps
 * recording into the rings while no agent is connected.
 */
export class SessionHostServer {
  readonly hostId = randomUUID();
  readonly startedAt: string;
  private readonly sessions = new Map<number, HostSession>();
  private nextHandle = 1;
  private readonly spawns = new SpawnQueue();
  private agent: AgentLink | null = null;
  private lastAlone: number;

  constructor(private readonly options: SessionHostServerOptions) {
    this.startedAt = new Date(options.clock.now()).toISOString();
    this.lastAlone = options.clock.now();
  }

  /** True when nobody needs the host: no agent, no running session, for at least `ms`. */
  idleFor(ms: number): boolean {
    if (this.agent !== null) return false;
    for (const session of this.sessions.values()) if (session.running) return false;
    return this.options.clock.now() - this.lastAlone >= ms;
  }


  /** A new connection on the socket: it must authenticate with HELLO first. */
  accept(socket: net.Socket): void {
    let link: AgentLink | null = null;
    const timer = setTimeout(() => refuse({ code: 'TF_ERR_BAD_FRAME', message: 'no HELLO in time' }), HELLO_TIMEOUT_MS);
    const refuse = (refusal: HostRefusal): void => {
      clearTimeout(timer);
      this.options.log.warn('refused a connection', { code: refusal.code, reason: refusal.message });
      if (!socket.destroyed) socket.end(jsonFrame(HostFrame.REFUSED, refusal));
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    const reader = new HostFrameReader((type, payload) => {
      if (link === null) {
        clearTimeout(timer);
        if (type !== HostFrame.HELLO) return refuse({ code: 'TF_ERR_BAD_FRAME', message: 'the first frame must be HELLO' });
        const outcome = this.checkHello(payload);
        if (outcome !== null) return refuse(outcome);
        link = { socket, pending: new Map(), flushScheduled: false, congested: false };
        this.agent = link;
        reader.maxFrame = MAX_HOST_FRAME; // authenticated: large inputs may follow
        const welcome: HostWelcome = { protocol: HOST_PROTOCOL, hostId: this.hostId, hostVersion: this.options.version, pid: process.pid, startedAt: this.startedAt };
        socket.write(jsonFrame(HostFrame.WELCOME, welcome));
        this.options.log.info('agent connected', { sessions: this.sessions.size });
        return;
      }
      this.onAgentFrame(link, type, payload);
    }, (message) => {
      if (link === null) return refuse({ code: 'TF_ERR_BAD_FRAME', message });
      this.options.log.error('agent sent a broken frame; closing the link', { reason: message });
      socket.destroy();
    }, MAX_HELLO_FRAME);
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        this.options.log.error('agent link failed', { error: String(error) });
        socket.destroy();
      }
    });
    socket.on('drain', () => {
      if (link === null || !link.congested) return;
      link.congested = false;
      for (const session of this.sessions.values()) if (!session.agentPaused) session.resume();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (link !== null && this.agent === link) this.agentGone();
    });
  }

  /** End every session (SIGHUP, as a closing terminal would, then SIGKILL) and release them. */
  async endAll(graceMs = 2000): Promise<void> {
    const running = [...this.sessions.values()].filter((session) => session.running);
    for (const session of running) session.kill('SIGHUP');
    const deadline = this.options.clock.now() + graceMs;
    while (running.some((session) => session.running) && this.options.clock.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }

  private checkHello(payload: Buffer): HostRefusal | null {
    let hello: Partial<HostHello>;
    try {
      hello = JSON.parse(payload.toString('utf8')) as Partial<HostHello>;
    } catch {
      return { code: 'TF_ERR_BAD_FRAME', message: 'HELLO is not JSON' };
    }
    const given = Buffer.from(String(hello.secret ?? ''), 'utf8');
    const expected = Buffer.from(this.options.secret, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { code: 'TF_ERR_HOST_SECRET', message: 'wrong secret: only the OS user who started the host may connect' };
    }
    if (hello.protocol !== HOST_PROTOCOL) {
      return {
        code: 'TF_ERR_HOST_PROTOCOL',
        message: `this session host (tunnelforge ${this.options.version}) speaks host protocol ${HOST_PROTOCOL}, the agent ${String(hello.protocol)}: ` +
          'run the agent version that started it, or end the host and its sessions with `tunnelforge sessions stop-host`',
      };
    }
    if (this.agent !== null) return { code: 'TF_ERR_HOST_BUSY', message: 'another agent is connected to this session host' };
    return null;
  }

  private onAgentFrame(link: AgentLink, type: number, payload: Buffer): void {
    switch (type) {
      case HostFrame.INPUT:
        if (payload.length >= 4) this.sessions.get(payload.readUInt32BE(0))?.write(payload.subarray(4));
        return;
      case HostFrame.RESIZE:
        if (payload.length === 8) this.sessions.get(payload.readUInt32BE(0))?.resize(payload.readUInt16BE(4), payload.readUInt16BE(6));
        return;
      case HostFrame.PAUSE:
      case HostFrame.RESUME: {
        const session = payload.length === 4 ? this.sessions.get(payload.readUInt32BE(0)) : undefined;
        if (!session) return;
        session.agentPaused = type === HostFrame.PAUSE;
        if (session.agentPaused) session.pause();
        else if (!link.congested) session.resume();
        return;
      }
      case HostFrame.REQUEST:
        this.onRequest(link, payload);
        return;
      default:
        this.options.log.warn('unknown frame from the agent', { type });
    }
  }

  private onRequest(link: AgentLink, payload: Buffer): void {
    let request: HostRequest;
    try {
      request = JSON.parse(payload.toString('utf8')) as HostRequest;
    } catch {
      this.options.log.warn('a request that is not JSON');
      return;
    }
    const reply = (value: { ok: true; result?: unknown } | { ok: false; error: { code: string; message: string } }): void => void link.socket.write(jsonFrame(HostFrame.REPLY, { id: request.id, ...value } satisfies HostReply));
    const fail = (code: string, message: string): void => reply({ ok: false, error: { code, message } });
    const session = 'handle' in request ? this.sessions.get(request.handle) : undefined;
    if ('handle' in request && session === undefined) return fail('TF_ERR_SESSION_NOT_FOUND', `no session with handle ${request.handle}`);
    switch (request.op) {
      case 'create': {
        // Paced like the agent's own spawns: a fork blocks this loop, which carries every session's I/O.
        this.spawns.run(() => new HostSession(this.nextHandle++, request.spec, this.options.clock, {
          onOutput: (s, chunk) => this.onOutput(s, chunk),
          onExit: (s) => this.onExit(s),
          onRecordingStopped: (s, message) => {
            this.options.log.warn('recording stopped', { session: s.spec.sessionId, reason: message });
            if (this.agent) this.agent.socket.write(jsonFrame(HostFrame.NOTICE, { handle: s.handle, recordingStopped: message } satisfies HostNotice));
          },
        })).then((created) => {
          this.sessions.set(created.handle, created);
          this.options.log.info('session created', { session: request.spec.sessionId, handle: created.handle, pid: created.pid });
          reply({ ok: true, result: { handle: created.handle, pid: created.pid } });
        }, (error: unknown) => fail('TF_ERR_SPAWN_FAILED', error instanceof Error ? error.message : String(error)));
        return;
      }
      case 'list':
        return reply({ ok: true, result: { hostId: this.hostId, sessions: [...this.sessions.values()].map((s) => s.state()) } });
      case 'ring': {
        const ring = session!.ring;
        this.flush(link); // live output sent so far precedes the dump; later output follows it
        link.socket.write(ringFrame(request.id, ring.start, ring.read(ring.start) ?? Buffer.alloc(0)));
        return;
      }
      case 'rename':
        session!.name = String(request.name).slice(0, 200);
        return reply({ ok: true });
      case 'kill':
        session!.kill(request.signal);
        return reply({ ok: true });
      case 'remove':
        session!.dispose();
        this.sessions.delete(session!.handle);
        link.pending.delete(session!);
        return reply({ ok: true });
      case 'shutdown':
        this.endAll().then(() => {
          reply({ ok: true });
          link.socket.end();
          this.options.onShutdown();
        }).catch((error: unknown) => fail('TF_ERR_INTERNAL', String(error)));
        return;
      default:
        return fail('TF_ERR_BAD_REQUEST', `unknown op ${String((request as { op?: unknown }).op)}`);
    }
  }

  private onOutput(session: HostSession, chunk: Buffer): void {
    const link = this.agent;
    if (link === null) return; // recorded in the ring; a new agent reads it there
    if (!link.flushScheduled && link.pending.size === 0) {
      // Leading edge: the first output of a loop turn (a keystroke's echo) goes out at once; what
      // follows in the same turn is batched into one frame per session.
      link.flushScheduled = true;
      setImmediate(() => this.flush(link));
      if (!this.sendOutput(link, session, session.ring.end - chunk.length, [chunk], chunk.length)) this.congest(link);
      return;
    }
    let batch = link.pending.get(session);
    if (batch === undefined) {
      batch = { offset: session.ring.end - chunk.length, chunks: [], total: 0 };
      link.pending.set(session, batch);
    }
    batch.chunks.push(chunk);
    batch.total += chunk.length;
    if (!link.flushScheduled) {
      link.flushScheduled = true;
      setImmediate(() => this.flush(link));
    }
  }

  private flush(link: AgentLink): void {
    link.flushScheduled = false;
    if (link.pending.size === 0 || link.socket.destroyed) return link.pending.clear();
    link.socket.cork();
    let ok = true;
    for (const [session, batch] of link.pending) ok = this.sendOutput(link, session, batch.offset, batch.chunks, batch.total) && ok;
    link.pending.clear();
    process.nextTick(() => link.socket.uncork());
    if (!ok) this.congest(link);
  }

  /**
   * One OUTPUT frame written as its header and the PTY's own chunks (node-pty hands over fresh
   * Buffers), corked so they leave in one writev: uncorked, the header went alone and the agent
   * could wake for 17 bytes before the echo. (Inside flush's cork, this one only nests.)
   */
  private sendOutput(link: AgentLink, session: HostSession, offset: number, chunks: readonly Buffer[], total: number): boolean {
    link.socket.cork();
    let ok = link.socket.write(outputHeader(session.handle, offset, total));
    for (const chunk of chunks) ok = link.socket.write(chunk) && ok;
    link.socket.uncork();
    return ok;
  }

  /** The agent reads slower than the programs write: hold the PTYs (as a slow terminal would). */
  private congest(link: AgentLink): void {
    if (link.congested) return;
    link.congested = true;
    for (const session of this.sessions.values()) session.pause();
  }

  private onExit(session: HostSession): void {
    this.options.log.info('session exited', { session: session.spec.sessionId, exitCode: session.exit?.exitCode, signal: session.exit?.signal });
    this.lastAlone = this.options.clock.now();
    const link = this.agent;
    if (link === null) return;
    this.flush(link); // every byte of output before the EXIT
    const exit: HostExit = { handle: session.handle, exitCode: session.exit!.exitCode, signal: session.exit!.signal, exitedAt: new Date(session.exitedAt!).toISOString() };
    link.socket.write(jsonFrame(HostFrame.EXIT, exit));
  }

  private agentGone(): void {
    const link = this.agent!;
    this.agent = null;
    link.pending.clear();
    this.lastAlone = this.options.clock.now();
    // No agent, no flow control: the programs run freely and the rings keep the newest output.
    for (const session of this.sessions.values()) {
      session.agentPaused = false;
      session.resume();
    }
    this.options.log.info('agent disconnected', { sessions: this.sessions.size });
  }
}

