import type { Clock, Disposable, FinishedCommand } from '../plugin-api';
import type { ForegroundProbe } from './foreground-probe';
import { sanitizeTitle } from './sanitize-title';
import { TerminalStateParser } from './terminal-state-parser';

/** The knobs of {@link SessionStateTracker} (from the sessions config). */
export interface SessionStateOptions {
  /** Output within this long counts as active; this long without output makes the session idle. */
  activityWindowMs: number;
  /** Shortest command that is announced with `session.command-finished`. */
  commandMinDurationMs: number;
  /** At most one `session.bell` per this interval; bells in between are counted. */
  bellIntervalMs: number;
  /** How soon after output the foreground process is looked at (and how often while a command runs). */
  foregroundPollMs: number;
  /** Longest title kept (characters). */
  maxTitleChars: number;
}

/** What changed in a session's state, for its `session.*` event. */
export type SessionStateChange =
  | { kind: 'title' }
  | { kind: 'activity' }
  | { kind: 'bell'; count: number }
  | { kind: 'command-finished'; command: FinishedCommand };

/** What the tracker tells its session (the manager turns these into bus events). */
export interface SessionStateSink {
  title(): void;
  bell(count: number): void;
  activity(): void;
  commandFinished(command: FinishedCommand): void;
}

/** A command seen running through the foreground process (for shells without OSC 133 marks). */
interface RunningCommand {
  startedAt: number;
  name: string | null;
}

/** Longest OSC string looked at: a capped title in 4-byte characters, with room to spare. */
const MAX_OSC_BYTES = 4096;
/**
 * At most one `session.title` per this interval (leading edge, then the latest title at its end):
 * a program that puts a progress counter in its title must not flood the bus.
 */
const TITLE_EVENT_INTERVAL_MS = 250;
/** While a command runs in front, look again this many poll intervals apart even without output. */
const RUNNING_POLL_FACTOR = 4;

/**
 * A session's state beyond its process: title, last output, activity, foreground process and the
 * last finished command. The output path calls {@link onOutput} once per chunk; everything it does
 * there is a timestamp, a flag and the {@link TerminalStateParser}'s memchr scan. Timers and the
 * `/proc` reads happen later, off the output path, and only for sessions that had output.
 *
 * Commands: OSC 133 marks (`C` executing, `D;<exit>` finished) when the shell sends them; once a
 * session has sent any, the foreground fallback is off for it. Without marks, a command is a time
 * the terminal's foreground process group is not the shell's (`tpgid != pid`), from the output
 * that preceded the first sighting to the first look that finds the shell in front again.
 */
export class SessionStateTracker {
  title: string | null = null;
  lastOutputAt: number | null = null;
  active = false;
  foreground: string | null = null;
  lastCommand: FinishedCommand | null = null;
  private readonly parser: TerminalStateParser;
  private idleTimer: Disposable | null = null;
  private bellTimer: Disposable | null = null;
  private bellsPending = 0;
  private titleTimer: Disposable | null = null;
  /** The title the last `session.title` carried. */
  private announcedTitle: string | null = null;
  private pollTimer: Disposable | null = null;
  /** First output since the last look at the foreground: when a command seen now began, at the latest. */
  private outputSincePoll: number | null = null;
  private polling = false;
  private markedStart: number | null = null;
  private marksSeen = false;
  private running: RunningCommand | null = null;
  private disposed = false;

  constructor(
    private readonly options: SessionStateOptions,
    private readonly clock: Clock,
    private readonly probe: ForegroundProbe | null,
    /** The session leader's pid while it runs, else null. */
    private readonly leaderPid: () => number | null,
    private readonly sink: SessionStateSink,
  ) {
    this.parser = new TerminalStateParser({
      title: (text) => this.setTitle(text),
      bell: () => this.ring(),
      mark: (kind, exitCode) => this.mark(kind, exitCode),
    }, MAX_OSC_BYTES);
    // One first look, so `foreground` is known before any output.
    if (probe) this.schedulePoll(options.foregroundPollMs);
  }

  /**
   * The tracker of one session, from the sessions config: `onChange` hears every change. With
   * `stateDetection` off, nothing feeds it (see TerminalSession) and it never reads `/proc`.
   */
  static forSession(
    config: SessionStateOptions & { stateDetection: boolean },
    clock: Clock,
    probe: ForegroundProbe | null,
    leaderPid: () => number | null,
    onChange: (change: SessionStateChange) => void,
  ): SessionStateTracker {
    const { activityWindowMs, commandMinDurationMs, bellIntervalMs, foregroundPollMs, maxTitleChars } = config;
    return new SessionStateTracker({ activityWindowMs, commandMinDurationMs, bellIntervalMs, foregroundPollMs, maxTitleChars }, clock, config.stateDetection ? probe : null, leaderPid, {
      title: () => onChange({ kind: 'title' }),
      activity: () => onChange({ kind: 'activity' }),
      bell: (count) => onChange({ kind: 'bell', count }),
      commandFinished: (command) => onChange({ kind: 'command-finished', command }),
    });
  }

  /** The output path's one call, per chunk. */
  onOutput(chunk: Buffer): void {
    if (this.disposed) return;
    const now = this.clock.now();
    this.lastOutputAt = now;
    if (!this.active) this.becomeActive();
    this.parser.feed(chunk);
    if (this.probe !== null) {
      this.outputSincePoll ??= now;
      if (this.pollTimer === null && !this.polling) this.schedulePoll(this.options.foregroundPollMs);
    }
  }

  /**
   * Output the session produced before this tracker existed (a session adopted from the session
   * host: its ring): only the title is taken from it, silently. Bells, marks and activity of the
   * past are not news, and their times are unknown.
   */
  restore(past: Buffer): void {
    const replay = new TerminalStateParser({
      title: (text) => (this.title = sanitizeTitle(text, this.options.maxTitleChars)),
      bell: () => undefined,
      mark: () => undefined,
    }, MAX_OSC_BYTES);
    replay.feed(past);
    this.announcedTitle = this.title;
  }

  /** The process ended: stop timers; a session that ended is idle. */
  ended(): void {
    this.cancelPoll();
    this.running = null;
    if (this.active) {
      this.idleTimer?.dispose();
      this.idleTimer = null;
      this.active = false;
      this.sink.activity();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.idleTimer?.dispose();
    this.bellTimer?.dispose();
    this.titleTimer?.dispose();
    this.cancelPoll();
  }

  private setTitle(raw: string): void {
    const title = sanitizeTitle(raw, this.options.maxTitleChars);
    if (title === this.title) return;
    this.title = title;
    if (this.titleTimer === null) this.announceTitle();
  }

  /** Publish the title now, then hold further changes until the interval ends (the latest one goes out then). */
  private announceTitle(): void {
    this.announcedTitle = this.title;
    this.sink.title();
    this.titleTimer = this.clock.setTimeout(() => {
      this.titleTimer = null;
      if (!this.disposed && this.title !== this.announcedTitle) this.announceTitle();
    }, TITLE_EVENT_INTERVAL_MS);
  }

  private becomeActive(): void {
    this.active = true;
    this.sink.activity();
    this.armIdle(this.options.activityWindowMs);
  }

  /** One timer per active session, re-armed for the remaining time instead of reset per chunk. */
  private armIdle(delay: number): void {
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (this.disposed || !this.active) return;
      const quiet = this.clock.now() - (this.lastOutputAt ?? 0);
      if (quiet < this.options.activityWindowMs) return this.armIdle(this.options.activityWindowMs - quiet);
      this.active = false;
      this.sink.activity();
    }, Math.max(1, delay));
  }

  /** Leading edge: the first bell is announced at once; bells within the interval after it are counted into one more. */
  private ring(): void {
    if (this.bellTimer !== null) {
      this.bellsPending++;
      return;
    }
    this.sink.bell(1);
    this.startBellInterval();
  }

  private startBellInterval(): void {
    this.bellTimer = this.clock.setTimeout(() => {
      this.bellTimer = null;
      if (this.disposed || this.bellsPending === 0) return;
      const count = this.bellsPending;
      this.bellsPending = 0;
      this.sink.bell(count);
      this.startBellInterval();
    }, this.options.bellIntervalMs);
  }

  private mark(kind: 'A' | 'B' | 'C' | 'D', exitCode: number | null): void {
    this.marksSeen = true;
    this.running = null;
    if (kind === 'C') {
      this.markedStart = this.clock.now();
      return;
    }
    if (kind !== 'D' || this.markedStart === null) return;
    const durationMs = this.clock.now() - this.markedStart;
    this.markedStart = null;
    this.finish({ exitCode, durationMs, finishedAt: new Date(this.clock.now()).toISOString(), source: 'osc133' });
  }

  private finish(command: FinishedCommand): void {
    this.lastCommand = command;
    if (command.durationMs >= this.options.commandMinDurationMs) this.sink.commandFinished(command);
  }

  private schedulePoll(delay: number): void {
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = null;
      void this.poll();
    }, delay);
  }

  private cancelPoll(): void {
    this.pollTimer?.dispose();
    this.pollTimer = null;
  }

  private async poll(): Promise<void> {
    const pid = this.leaderPid();
    if (this.disposed || this.probe === null || pid === null) return;
    const since = this.outputSincePoll;
    this.outputSincePoll = null;
    this.polling = true;
    let found;
    try {
      found = await this.probe.read(pid);
    } catch {
      found = null;
    } finally {
      this.polling = false;
    }
    if (this.disposed) return;
    // Output that came while reading gets its own look.
    if (this.outputSincePoll !== null && this.pollTimer === null) this.schedulePoll(this.options.foregroundPollMs);
    if (found === null) return;
    const now = this.clock.now();
    this.foreground = found.name;
    if (found.pgid !== pid) {
      // Something other than the shell is in front; it began no later than the output before this look.
      this.running ??= { startedAt: since ?? now, name: found.name };
      if (this.pollTimer === null) this.schedulePoll(this.options.foregroundPollMs * RUNNING_POLL_FACTOR);
      return;
    }
    const running = this.running;
    this.running = null;
    if (running === null || this.marksSeen) return;
    this.finish({
      exitCode: null,
      durationMs: now - running.startedAt,
      finishedAt: new Date(now).toISOString(),
      source: 'foreground',
      ...(running.name !== null ? { command: running.name } : {}),
    });
  }
}
