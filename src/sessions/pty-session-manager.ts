import { readFile, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  SessionActivity, SessionAttached, SessionBell, SessionCommandFinished, SessionCreated, SessionTitleChanged, SessionDetached, SessionExited, SessionRecordingStopped, SessionRemoved, SessionRenamed, SessionResized,
  type Actor, type Clock, type CreateSessionOptions, type Disposable, type EventBus, type EventType, type Logger,
  type SessionEventData, type SessionInfo, type SessionManager, type SpecialKey,
} from '../plugin-api';
import { AsciicastRecorder } from './asciicast-recorder';
import { HostError } from './host/host-client';
import type { SessionHostLink } from './host/session-host-link';
import { expandHome } from './expand-home';
import { LoginShellResolver } from './login-shell-resolver';
import { resolveExecutable } from './resolve-executable';
import type { SessionDefaults } from './sessions-settings';
import { SessionErrors } from './session-errors';
import { SessionId } from './session-id';
import type { SessionsConfig } from './sessions-config';
import { SpawnQueue } from './spawn-queue';
import { specialKeyBytes } from './special-key-bytes';
import type { StreamClient } from './stream-client';
import type { ForegroundProbe } from './foreground-probe';
import type { SessionStateChange } from './session-state-tracker';
import { TerminalSession, type RecordingSpec } from './terminal-session';
import { uniqueName } from './unique-name';

const DEFAULT_COLS = 80;
const DEFAULT_ROWS = 24;
/** Variables of the agent's own terminal that would mislead programs in the session's. */
const INHERITED_ENV_DROPPED = ['TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'WINDOWID', 'TERMCAP', 'COLUMNS', 'LINES'];

/**
 * The agent's terminal sessions on node-pty: the `SessionManager` capability, plus what the
 * WebSocket handler needs (the session object and client attach/detach).
 *
 * Sessions stay after their process exits (state `exited`, output still readable) until removed,
 * or until `exitedRetentionMs` has passed. Events: `session.created|exited|renamed|resized|removed|
 * attached|detached`, data = the SessionInfo plus `by`, the actor who caused it (null: the agent).
 */
export class PtySessionManager implements SessionManager {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly retention = new Map<string, Disposable>();
  private readonly spawns = new SpawnQueue();
  private pendingCreates = 0;
  private closing = false;
  /** Who asked for a session's end, for its `session.exited` event. */
  private readonly killedBy = new Map<string, Actor>();
  /** Set in `host` mode: PTYs live in the session host and outlive the agent. */
  private host: SessionHostLink | null = null;
  /** Where recordings go (`recordings/` in the data dir); null: recording is not available. */
  private recordingsDir: string | null = null;
  /** Reads sessions' foreground processes (null: `foreground` stays null, no fallback command detection). */
  private foregroundProbe: ForegroundProbe | null = null;
  /** What a create request falls back to (the `sessions` run-time settings); read at every create. */
  private defaults: () => SessionDefaults = () => ({});
  /** Finds commands that only the user's rc files put on PATH. */
  private readonly loginShell: LoginShellResolver;

  constructor(
    private readonly config: SessionsConfig,
    private readonly events: EventBus,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.loginShell = new LoginShellResolver({ shell: () => this.config.shell ?? this.env.SHELL, env: this.env });
  }

  /** Read session defaults from here at every create (core-sessions passes its `sessions` settings). */
  useDefaults(defaults: () => SessionDefaults): void {
    this.defaults = defaults;
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((session) => session.info());
  }

  get(id: string): SessionInfo | undefined {
    return this.session(id)?.info();
  }

  /** The live session object (for the stream handler), or undefined for unknown/invalid ids. */
  session(id: string): TerminalSession | undefined {
    return SessionId.isValid(id) ? this.sessions.get(id) : undefined;
  }

  async create(options: CreateSessionOptions, by: Actor | null = null): Promise<SessionInfo> {
    if (this.closing) throw SessionErrors.shuttingDown();
    const defaults = this.defaults();
    const cols = options.cols ?? defaults.cols ?? DEFAULT_COLS;
    const rows = options.rows ?? defaults.rows ?? DEFAULT_ROWS;
    if (!SessionErrors.isValidSize(cols, rows)) throw SessionErrors.badSize(cols, rows);
    if (options.command !== undefined && (options.command.length === 0 || options.command[0] === '')) {
      throw SessionErrors.badRequest('command must be a non-empty argv array');
    }
    // Count creations in flight too, so a burst cannot overshoot the limit.
    if (this.sessions.size + this.pendingCreates >= this.config.maxSessions) throw SessionErrors.limit(this.config.maxSessions);
    this.pendingCreates++;
    try {
      const home = this.env.HOME || os.homedir();
      const cwd = await this.checkCwd(expandHome(options.cwd ?? defaults.cwd ?? home, home));
      const id = SessionId.create();
      const env = this.buildEnv(options.env ?? {}, id);
      const argv = options.command ?? defaults.command ?? [this.config.shell ?? this.env.SHELL ?? '/bin/sh', ...this.config.shellArgs];
      // Not on the agent's PATH: the user's terminal may still find it (rc files, nvm, ~/.local/bin).
      const file = await resolveExecutable(argv[0], cwd, env.PATH) ?? (argv[0].includes('/') ? null : await this.loginShell.resolve(argv[0]));
      if (file === null) throw SessionErrors.commandNotFound(argv[0]);
      const command = [file, ...argv.slice(1)];
      const name = uniqueName(options.name?.trim() || defaultName(command, cwd), this.names());
      const record = options.record ?? this.config.recordByDefault;
      if (record && this.recordingsDir === null) throw SessionErrors.badRequest('recording is not available: the sessions core has no data dir');
      const recording: RecordingSpec | null = record
        ? { file: this.recordingFile(id), maxBytes: this.config.maxRecordingBytes, keep: this.config.keepRecordings, elsewhere: this.host !== null }
        : null;
      const base = {
        id, name, command, cwd, env, cols, rows, recording,
        config: this.config, clock: this.clock, log: this.log.child({ session: id }),
        onExit: (exited: TerminalSession) => this.onSessionExit(exited),
        onRecordingStopped: (session: TerminalSession, reason: string) => this.events.publish(SessionRecordingStopped, { ...session.info(), by: null, reason }),
        foregroundProbe: this.foregroundProbe,
        onStateChange: (session: TerminalSession, change: SessionStateChange) => this.onStateChange(session, change),
      };
      const session = this.host
        ? await this.spawnHosted(this.host, base)
        : await this.spawns.run(() => {
          if (this.closing) throw SessionErrors.shuttingDown();
          try {
            return new TerminalSession(base);
          } catch (error) {
            throw SessionErrors.spawnFailed(error instanceof Error ? error.message : String(error));
          }
        });
      this.sessions.set(id, session);
      const info = session.info();
      this.log.info('session created', { session: id, command, cwd });
      this.emit(SessionCreated, info, by);
      return info;
    } finally {
      this.pendingCreates--;
    }
  }

  rename(id: string, name: string, by: Actor | null = null): SessionInfo {
    const session = this.require(id);
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (trimmed === '' || trimmed.length > 200) throw SessionErrors.badRequest('name must be 1..200 characters');
    if (trimmed === session.name) return session.info();
    const taken = this.names();
    taken.delete(session.name);
    session.name = uniqueName(trimmed, taken);
    this.host?.rename(id, session.name);
    const info = session.info();
    this.emit(SessionRenamed, info, by);
    return info;
  }

  resize(id: string, cols: number, rows: number, by: Actor | null = null): SessionInfo {
    const session = this.require(id);
    if (!SessionErrors.isValidSize(cols, rows)) throw SessionErrors.badSize(cols, rows);
    if (!session.running) throw SessionErrors.exited(id);
    const before = session.resizes.latest;
    if (!session.resize(cols, rows)) throw SessionErrors.exited(id);
    const info = session.info();
    if (before.cols !== cols || before.rows !== rows) this.emit(SessionResized, info, by);
    return info;
  }

  write(id: string, data: string | Uint8Array): void {
    const session = this.require(id);
    if (!session.write(data)) throw SessionErrors.exited(id);
  }

  sendKey(id: string, key: SpecialKey): void {
    const bytes = Object.prototype.hasOwnProperty.call(specialKeyBytes, key) ? specialKeyBytes[key] : undefined;
    if (bytes === undefined) throw SessionErrors.badKey(key);
    this.write(id, bytes);
  }

  async kill(id: string, by: Actor | null = null): Promise<SessionInfo> {
    const session = this.require(id);
    if (by && session.running) this.killedBy.set(id, by);
    await session.kill(this.config.killGraceMs);
    return session.info();
  }

  async remove(id: string, by: Actor | null = null): Promise<void> {
    const session = this.require(id);
    if (session.running) {
      if (by) this.killedBy.set(id, by);
      await session.kill(this.config.killGraceMs);
    }
    if (this.sessions.get(id) !== session) return; // removed meanwhile
    this.sessions.delete(id);
    this.retention.get(id)?.dispose();
    this.retention.delete(id);
    const info = session.info();
    session.dispose();
    this.host?.forget(id);
    this.emit(SessionRemoved, info, by);
  }

  async screenText(id: string): Promise<string> {
    const session = this.require(id);
    await session.screen.prepare();
    return session.screen.text();
  }

  /** Attach a WebSocket client to a session's stream (see SessionStream.attach). */
  attachClient(session: TerminalSession, client: StreamClient, offset: number | undefined, by: Actor | null): void {
    session.stream.attach(client, offset);
    this.emit(SessionAttached, session.info(), by);
  }

  detachClient(session: TerminalSession, client: StreamClient, by: Actor | null): void {
    const before = session.stream.clientCount;
    session.stream.detach(client);
    if (session.stream.clientCount !== before && this.sessions.get(session.id) === session) {
      this.emit(SessionDetached, session.info(), by);
    }
  }

  /**
   * Run PTYs in the session host from now on (mode `host`). Call before any session is created,
   * then `adopt()` to take over what a previous agent left running.
   */
  useHost(link: SessionHostLink): void {
    this.host = link;
  }

  /**
   * Take over the sessions a running session host holds (left by a previous agent, or running on
   * after it crashed): same ids, names, sizes, output offsets; ones that ended meanwhile show their
   * exit. Starts no host when none runs. Answers how many were adopted.
   */
  async adopt(): Promise<number> {
    if (!this.host) return 0;
    let adopted = 0;
    for (const found of await this.host.adoptable()) {
      const { state, past } = found;
      if (this.sessions.has(state.sessionId) || !SessionId.isValid(state.sessionId)) continue;
      const size = past.resizes[past.resizes.length - 1] ?? { cols: DEFAULT_COLS, rows: DEFAULT_ROWS };
      const session = new TerminalSession({
        id: state.sessionId, name: uniqueName(state.name, this.names()), command: state.command, cwd: state.cwd, env: {},
        cols: size.cols, rows: size.rows, config: this.config, clock: this.clock, log: this.log.child({ session: state.sessionId }),
        onExit: (exited) => this.onSessionExit(exited),
        onRecordingStopped: (adopted, reason) => this.events.publish(SessionRecordingStopped, { ...adopted.info(), by: null, reason }),
        spawn: found.spawn, hostId: found.hostId, adopted: past,
        foregroundProbe: this.foregroundProbe, onStateChange: (changed, change) => this.onStateChange(changed, change),
        recording: state.recording ? { file: this.recordingFile(state.sessionId), maxBytes: this.config.maxRecordingBytes, keep: this.config.keepRecordings, elsewhere: true } : null,
      });
      this.sessions.set(session.id, session);
      if (!session.running) this.scheduleRetention(session, past.exitedAt ?? this.clock.now());
      adopted++;
    }
    return adopted;
  }

  /** Read foreground processes with `probe` for sessions created or adopted from now on (the platform's way; see foreground-probe.ts). */
  useForegroundProbe(probe: ForegroundProbe | null): void {
    this.foregroundProbe = probe;
  }

  /** Keep recordings in `dir` (the data dir's `recordings/`). */
  useRecordingsDir(dir: string): void {
    this.recordingsDir = dir;
  }

  /**
   * A session's recording as asciicast v2 text (`previous`: the part rotated out at the size cap).
   * Throws 404 when there is none.
   */
  async recording(id: string, previous = false): Promise<string> {
    const session = this.require(id);
    if (this.recordingsDir === null) throw SessionErrors.noRecording(id);
    const file = previous ? AsciicastRecorder.parts(this.recordingFile(session.id))[0] : this.recordingFile(session.id);
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw SessionErrors.noRecording(id);
    }
  }

  private recordingFile(id: string): string {
    return path.join(this.recordingsDir ?? os.tmpdir(), `${id}.cast`);
  }

  /** The session host this agent uses, for `GET /api/session-host`. */
  sessionHost(): { mode: 'host' | 'in-process'; running: boolean; hostId: string | null; pid: number | null; version: string | null; startedAt: string | null } {
    const status = this.host?.status() ?? null;
    return {
      mode: this.host ? 'host' : 'in-process',
      running: status !== null,
      hostId: status?.hostId ?? null,
      pid: status?.pid ?? null,
      version: status?.version ?? null,
      startedAt: status?.startedAt ?? null,
    };
  }

  /** End the session host and every session it runs (they exit with the hang-up). */
  async stopSessionHost(by: Actor | null): Promise<{ stopped: boolean; sessions: number }> {
    if (!this.host) return { stopped: false, sessions: 0 };
    const running = [...this.sessions.values()].filter((session) => session.running && session.info().hostId !== null);
    for (const session of running) if (by) this.killedBy.set(session.id, by);
    const stopped = await this.host.stopHost();
    this.log.info('session host stopped on request', { sessions: running.length, by: by?.id });
    return { stopped, sessions: running.length };
  }

  /** The session host died: every session it ran ends now, marked lost. */
  hostLost(reason: string): void {
    for (const session of this.sessions.values()) {
      if (session.running && session.info().hostId !== null) {
        this.log.warn('session lost with its session host', { session: session.id, reason });
        session.hostLost();
      }
    }
  }

  /**
   * Shut down. In `host` mode with `onShutdown: 'keep'` the sessions go on in the host for the next
   * agent (their clients are told to come back, 1012); otherwise every running session is killed
   * (SIGKILL after the grace period) and forgotten, and a host with nothing left is ended.
   */
  async dispose(): Promise<void> {
    this.closing = true;
    if (this.host && this.config.onShutdown === 'keep') {
      const all = [...this.sessions.values()];
      for (const session of all) session.release();
      const anyRunning = all.some((session) => session.running);
      this.sessions.clear();
      for (const timer of this.retention.values()) timer.dispose();
      this.retention.clear();
      await this.host.close(!anyRunning);
      return;
    }
    const all = [...this.sessions.values()];
    await Promise.all(all.filter((session) => session.running).map((session) => session.kill(this.config.killGraceMs)));
    for (const session of all) session.dispose();
    this.sessions.clear();
    for (const timer of this.retention.values()) timer.dispose();
    this.retention.clear();
    await this.host?.close(true);
  }

  /** A session's title, activity, bell or last command changed: its event (by the agent: `by` is null). */
  private onStateChange(session: TerminalSession, change: SessionStateChange): void {
    if (this.sessions.get(session.id) !== session) return;
    const data = { ...session.info(), by: null };
    switch (change.kind) {
      case 'title': return this.events.publish(SessionTitleChanged, data);
      case 'activity': return this.events.publish(SessionActivity, data);
      case 'bell': return this.events.publish(SessionBell, { ...data, count: change.count });
      case 'command-finished': return this.events.publish(SessionCommandFinished, { ...data, command: change.command });
    }
  }

  private emit(event: EventType<SessionEventData>, info: SessionInfo, by: Actor | null): void {
    this.events.publish(event, { ...info, by });
  }

  private require(id: string): TerminalSession {
    const session = this.session(id);
    if (session === undefined) throw SessionErrors.notFound(String(id));
    return session;
  }

  private names(): Set<string> {
    return new Set([...this.sessions.values()].map((session) => session.name));
  }

  private async checkCwd(cwd: string): Promise<string> {
    if (typeof cwd !== 'string' || !path.isAbsolute(cwd)) throw SessionErrors.badCwd(String(cwd), 'must be an absolute path (or ~, ~/…)');
    try {
      if (!(await stat(cwd)).isDirectory()) throw SessionErrors.badCwd(cwd, 'is not a directory');
    } catch (error) {
      if ((error as { code?: string }).code === 'TF_ERR_BAD_CWD') throw error;
      throw SessionErrors.badCwd(cwd, 'does not exist');
    }
    return path.resolve(cwd);
  }

  private buildEnv(extra: Record<string, string>, id: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.env)) if (value !== undefined) env[key] = value;
    for (const key of INHERITED_ENV_DROPPED) delete env[key];
    for (const [key, value] of Object.entries(extra)) {
      if (key === '' || key.includes('=') || key.includes('\0') || String(value).includes('\0')) {
        throw SessionErrors.badRequest(`invalid environment variable ${JSON.stringify(key)}`);
      }
      env[key] = String(value);
    }
    env.TERM = 'xterm-256color';
    env.TUNNELFORGE_SESSION_ID = id;
    return env;
  }

  private onSessionExit(session: TerminalSession): void {
    if (this.sessions.get(session.id) !== session) return;
    const info = session.info();
    this.log.info('session exited', { session: session.id, exitCode: info.exitCode, signal: info.signal });
    const by = this.killedBy.get(session.id) ?? null;
    this.killedBy.delete(session.id);
    this.emit(SessionExited, info, by);
    this.scheduleRetention(session, this.clock.now());
  }

  /** Remove an exited session `exitedRetentionMs` after it exited. */
  private scheduleRetention(session: TerminalSession, exitedAt: number): void {
    if (this.config.exitedRetentionMs <= 0 || this.closing) return;
    const delay = Math.max(0, exitedAt + this.config.exitedRetentionMs - this.clock.now());
    this.retention.set(session.id, this.clock.setTimeout(() => {
      this.retention.delete(session.id);
      this.remove(session.id).catch((error: unknown) => this.log.warn('auto-remove failed', { session: session.id, error: String(error) }));
    }, delay));
  }

  /** Start the PTY in the session host, then the agent's side of the session around it. */
  private async spawnHosted(host: SessionHostLink, base: ConstructorParameters<typeof TerminalSession>[0]): Promise<TerminalSession> {
    let hosted: Awaited<ReturnType<SessionHostLink['spawn']>>;
    const createdAt = this.clock.now();
    try {
      const recording = base.recording ? { file: base.recording.file, maxBytes: base.recording.maxBytes, keep: base.recording.keep } : null;
      hosted = await host.spawn({
        sessionId: base.id, name: base.name, command: base.command, cwd: base.cwd, env: base.env,
        cols: base.cols, rows: base.rows, ringBytes: this.config.ringBytes, createdAt, recording,
      });
    } catch (error) {
      if (error instanceof HostError && error.code === 'TF_ERR_SPAWN_FAILED') throw SessionErrors.spawnFailed(error.message);
      throw SessionErrors.hostUnavailable(error instanceof Error ? error.message : String(error));
    }
    if (this.closing) {
      host.forget(base.id);
      throw SessionErrors.shuttingDown();
    }
    return new TerminalSession({ ...base, spawn: hosted.spawn, hostId: hosted.hostId, createdAt });
  }
}

/** `bash ~/src/app`: the program's name and where it runs (home shortened to `~`). */
function defaultName(command: readonly string[], cwd: string): string {
  const home = os.homedir();
  const where = cwd === home ? '~' : cwd.startsWith(home + path.sep) ? `~${cwd.slice(home.length)}` : cwd;
  return `${path.basename(command[0])} ${where}`;
}
