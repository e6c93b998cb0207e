import { existsSync } from 'node:fs';
import type { PtyFactory } from '../pty-process';
import type { AdoptedPast } from '../terminal-session';
import { HostClient, HostError, type HostClientOptions } from './host-client';
import type { HostCreateSpec, HostSessionState } from './host-messages';
import { hostPaths } from './host-paths';
import { HostedPty } from './hosted-pty';
import { acquireOwnerLock } from './owner-lock';

/** The same as the client's: where, who, and what to do when the host dies. */
export type SessionHostLinkOptions = HostClientOptions;

/** A session the host already runs, ready to be rebuilt in the agent. */
export interface AdoptableSession {
  state: HostSessionState;
  past: AdoptedPast;
  spawn: PtyFactory;
  hostId: string;
}

/**
 * The sessions core's use of the session host: connects lazily (a host is started on the first
 * session, not at agent start), reconnects after the host died, and turns host sessions into
 * what `TerminalSession` needs.
 */
export class SessionHostLink {
  private client: HostClient | null = null;
  private connecting: Promise<HostClient> | null = null;
  /** Session id → the host's handle for it. */
  private readonly handles = new Map<string, number>();

  private releaseLock: (() => void) | null = null;

  constructor(private readonly options: SessionHostLinkOptions) {}

  /**
   * Claim the data dir for this agent (an owner lock: a dead agent's lock is taken over at once).
   * Throws `HostError` `TF_ERR_AGENT_RUNNING` naming the live agent's pid otherwise: two agents
   * must never drive one session host.
   */
  async claimDataDir(): Promise<void> {
    if (this.releaseLock) return;
    const lock = await acquireOwnerLock(hostPaths(this.options.dataDir).agentLock);
    if (!lock.ok) {
      throw new HostError('TF_ERR_AGENT_RUNNING', `another agent (pid ${lock.owner.pid}) runs with the data dir ${this.options.dataDir}; stop it first, or give this one its own --data-dir`);
    }
    this.releaseLock = lock.release;
  }

  /** Whether a host of this data dir seems to run (its info file exists). */
  hostRunning(): boolean {
    return existsSync(hostPaths(this.options.dataDir).info);
  }

  /** The connected client, connecting (and starting a host) when needed. */
  async connect(): Promise<HostClient> {
    if (this.client?.connected) return this.client;
    this.connecting ??= HostClient.connect({
      dataDir: this.options.dataDir,
      log: this.options.log,
      agentVersion: this.options.agentVersion,
      agentInstanceId: this.options.agentInstanceId,
      hostEntry: this.options.hostEntry,
      onLost: (reason) => {
        this.client = null;
        this.handles.clear();
        this.options.log.error('the session host is gone; its sessions are lost', { reason });
        this.options.onLost(reason);
      },
    }).then((client) => {
      this.client = client;
      this.options.log.info('connected to the session host', { hostId: client.hostId, hostPid: client.welcome.pid, hostVersion: client.welcome.hostVersion });
      return client;
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Start a session in the host; answers how to bind to it. */
  async spawn(spec: HostCreateSpec): Promise<{ spawn: PtyFactory; hostId: string; pid: number }> {
    const client = await this.connect();
    const { handle, pid } = await client.create(spec);
    this.handles.set(spec.sessionId, handle);
    return { spawn: HostedPty.factory(client, handle, pid, 0, this.options.log), hostId: client.hostId, pid };
  }

  /**
   * Every session of a running host with its past (ring, sizes, exit), when a host runs; nothing
   * (and no host started) otherwise.
   */
  async adoptable(): Promise<AdoptableSession[]> {
    if (!this.hostRunning()) return [];
    let client: HostClient;
    try {
      client = await this.connect();
    } catch (error) {
      // A stale info file of a dead host: nothing to adopt. Refusals (another agent, another version) stand.
      if (error instanceof HostError && error.code === 'TF_ERR_HOST_START') return [];
      throw error;
    }
    const out: AdoptableSession[] = [];
    for (const state of await client.list()) {
      const ring = await client.ring(state.handle);
      this.handles.set(state.sessionId, state.handle);
      out.push({
        state,
        hostId: client.hostId,
        past: {
          createdAt: Date.parse(state.createdAt),
          ringStart: ring.start,
          bytes: ring.data,
          resizes: state.resizes,
          exit: state.exit,
          exitedAt: state.exitedAt === null ? null : Date.parse(state.exitedAt),
        },
        spawn: HostedPty.factory(client, state.handle, state.pid ?? 0, ring.start + ring.data.length, this.options.log),
      });
    }
    return out;
  }

  /** Tell the host a session's new name (so the next agent sees it too). */
  rename(sessionId: string, name: string): void {
    const handle = this.handles.get(sessionId);
    if (handle === undefined || !this.client?.connected) return;
    this.client.rename(handle, name).catch((error: unknown) => this.options.log.warn('rename in the session host failed', { error: String(error) }));
  }

  /** The session was removed (the host forgot it through its PTY's dispose). */
  forget(sessionId: string): void {
    this.handles.delete(sessionId);
  }


  /** The connected host, as the agent sees it; null when none is connected. */
  status(): { hostId: string; pid: number; version: string; startedAt: string } | null {
    const client = this.client;
    if (!client?.connected) return null;
    return { hostId: client.hostId, pid: client.welcome.pid, version: client.welcome.hostVersion, startedAt: client.welcome.startedAt };
  }

  /** End the host and every session in it (their exits arrive first); the next session starts a new host. */
  async stopHost(): Promise<boolean> {
    const client = this.client?.connected ? this.client : this.hostRunning() ? await this.connect() : null;
    if (client === null) return false;
    await client.shutdown();
    await client.close();
    this.client = null;
    this.handles.clear();
    return true;
  }

  /** Leave the host with its sessions (`keep`), or end it when nothing runs there (or `kill` asked for it). */
  async close(endHost: boolean): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client?.connected) {
      if (endHost) await client.shutdown().catch((error: unknown) => this.options.log.warn('the session host did not shut down cleanly', { error: String(error) }));
      await client.close();
    }
    this.releaseLock?.();
    this.releaseLock = null;
  }
}
