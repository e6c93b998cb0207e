import { definePlugin, SessionManager, type EventBus, type PluginDefinition, type SessionInfo } from 'tunnelforge/plugin';

/**
 * A SessionManager with no PTYs: tests add, exit, attach and detach sessions by hand, and it
 * publishes the same `session.*` events (with SessionInfo data) as the real one.
 */
export class FakeSessionManager implements SessionManager {
  private readonly sessions = new Map<string, SessionInfo>();
  private events: EventBus | undefined;
  private next = 1;

  bindEvents(events: EventBus): void {
    this.events = events;
  }

  /** A new running session (optionally with a real process as its leader). */
  add(name = `s${this.next}`, pid: number | null = null): SessionInfo {
    const id = `fake-${this.next++}`;
    const info: SessionInfo = { id, name, command: ['sh'], cwd: '/', pid, state: 'running', exitCode: null, signal: null, cols: 80, rows: 24, createdAt: new Date().toISOString(), exitedAt: null, clients: 0, outputBytes: 0, hostId: null, lost: null, recording: false, title: null, lastOutputAt: null, active: false, foreground: null, lastCommand: null };
    this.sessions.set(id, info);
    this.publish('session.created', info);
    return info;
  }

  exit(id: string): void {
    this.update(id, { state: 'exited', exitCode: 0, exitedAt: new Date().toISOString() }, 'session.exited');
  }

  attach(id: string): void {
    this.update(id, { clients: this.must(id).clients + 1 }, 'session.attached');
  }

  detach(id: string): void {
    this.update(id, { clients: Math.max(0, this.must(id).clients - 1) }, 'session.detached');
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({ ...s }));
  }

  get(id: string): SessionInfo | undefined {
    const info = this.sessions.get(id);
    return info ? { ...info } : undefined;
  }

  async remove(id: string): Promise<void> {
    const info = this.must(id);
    this.sessions.delete(id);
    this.publish('session.removed', info);
  }

  create(): Promise<SessionInfo> {
    return Promise.reject(new Error('FakeSessionManager: use add()'));
  }
  rename(): SessionInfo {
    throw new Error('not supported by FakeSessionManager');
  }
  resize(): SessionInfo {
    throw new Error('not supported by FakeSessionManager');
  }
  write(): void {
    throw new Error('not supported by FakeSessionManager');
  }
  sendKey(): void {
    throw new Error('not supported by FakeSessionManager');
  }
  kill(): Promise<SessionInfo> {
    return Promise.reject(new Error('not supported by FakeSessionManager'));
  }
  screenText(): Promise<string> {
    return Promise.reject(new Error('not supported by FakeSessionManager'));
  }

  private must(id: string): SessionInfo {
    const info = this.sessions.get(id);
    if (!info) throw new Error(`no fake session ${id}`);
    return info;
  }

  private update(id: string, patch: Partial<SessionInfo>, event: string): void {
    const info = { ...this.must(id), ...patch };
    this.sessions.set(id, info);
    this.publish(event, info);
  }

  private publish(type: string, info: SessionInfo): void {
    this.events?.publish(type, { ...info });
  }
}

/** A plugin providing `manager` as the SessionManager (what `core-sessions` does for real). */
export function fakeSessionsPlugin(manager: FakeSessionManager): PluginDefinition {
  return definePlugin({
    id: 'fake-sessions',
    apiVersion: 1,
    provides: [SessionManager],
    register: (reg) => reg.provide(SessionManager, { create: () => manager }),
    activate: (ctx) => manager.bindEvents(ctx.events),
  });
}
