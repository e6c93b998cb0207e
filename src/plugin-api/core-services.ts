import { defineCoreService } from './capability';
import type { Disposable } from './disposable';
import type { EventType } from './define-event';

/** Log levels, most verbose first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Structured logger. Every plugin receives a child logger bound to its id (`plugin: "<id>"`).
 * Fields named like secrets (`password`, `token`, `authorization`, `secret`, ...) are redacted.
 */
export interface Logger {
  trace(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}
export const Logger = defineCoreService<Logger>('Logger');

/** The plugin's own validated config slice (`plugins.<id>.options` in the agent config). */
export type Config<C = unknown> = C;
export const Config = defineCoreService<unknown>('Config');

/** Facts about the running agent that any plugin may read. */
export interface AgentInfo {
  /** TunnelForge version. */
  readonly version: string;
  /** Host the HTTP/WebSocket server binds to (127.0.0.1 unless configured). */
  readonly host: string;
  /** TCP port of the HTTP/WebSocket server (0 means "pick one"; see `localUrl()` once started). */
  readonly port: number;
  /** Directory for state files (tokens, revocations); created with mode 0700. */
  readonly dataDir: string;
  /** Random id of this run of the agent (changes at every start: tells a restart from a reconnect). */
  readonly instanceId: string;
  /** ISO time this run started. */
  readonly startedAt: string;
  /**
   * `starting` until every plugin has activated and started, then `ready`; `stopping` once
   * shutdown began, `stopped` after it.
   */
  readonly state: 'starting' | 'ready' | 'stopping' | 'stopped';
  /** `http://host:port` of the running server, or `null` before it listens. */
  localUrl(): string | null;
  /** Every plugin the kernel knows, with its state (what `tunnelforge plugins ls` shows). */
  plugins(): PluginSummary[];
}

/** One plugin as {@link AgentInfo.plugins} reports it. */
export interface PluginSummary {
  id: string;
  /** npm package it came from (null for built-ins). */
  package: string | null;
  source: 'builtin' | 'package' | 'discovered';
  version: string | null;
  description: string | null;
  state: 'discovered' | 'ready' | 'active' | 'skipped' | 'disabled' | 'failed' | 'stopped';
  /** Why it is skipped, disabled or failed. */
  reason: string | null;
  required: boolean;
  provides: string[];
  requires: string[];
}
export const AgentInfo = defineCoreService<AgentInfo>('AgentInfo');

/** Operating systems the agent knows; the values of `process.platform`. */
export type Platform = 'darwin' | 'win32' | 'linux' | 'freebsd' | 'openbsd' | 'sunos' | 'aix' | 'android' | 'haiku' | 'cygwin' | 'netbsd';

/**
 * Where the agent runs. Always read the platform through this service, never `process.platform`:
 * tests simulate `darwin`, `win32` and `linux` through it.
 */
export interface PlatformInfo {
  readonly platform: Platform;
  readonly arch: string;
  /** OS release string (`os.release()`). */
  readonly release: string;
  readonly hostname: string;
  /** Absolute path of an executable on PATH, or `null`. Never runs a shell. */
  which(command: string): Promise<string | null>;
}
export const PlatformInfo = defineCoreService<PlatformInfo>('PlatformInfo');

/** Result of a finished child process. */
export interface ProcessResult {
  /** Exit code, or `null` when ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link ProcessRunner.run} and {@link ProcessRunner.spawn}. */
export interface ProcessOptions {
  cwd?: string;
  /** Added to (not replacing) the agent's environment. */
  env?: Record<string, string | undefined>;
  /** For `run`: kill the child (SIGTERM, then SIGKILL) after this many ms. Default 30 000. */
  timeoutMs?: number;
}

/** A long-lived child process owned by the agent. */
export interface ManagedProcess {
  readonly pid: number | undefined;
  /** The command and argv it was started with (for logs; never contains a shell string). */
  readonly argv: readonly string[];
  /** Called for each complete line the child writes to stdout or stderr. */
  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): Disposable;
  /** Resolves when the child has exited (or failed to start: then `code` is null and `error` set). */
  readonly exited: Promise<ProcessResult & { error?: Error }>;
  /** True until the child has exited. */
  readonly running: boolean;
  /** Send SIGTERM, wait up to `graceMs` (default 3000), then SIGKILL; resolves after exit. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs child processes with argv arrays, never through a shell. Every process spawned with
 * {@link ProcessRunner.spawn} is tracked and stopped when the agent shuts down, so plugins
 * cannot leak children.
 */
export interface ProcessRunner {
  /** Run to completion (execFile semantics: no shell, argv passed as is). */
  run(file: string, args: readonly string[], options?: ProcessOptions): Promise<ProcessResult>;
  /** Start a long-lived child. Failure to start is reported through `exited`, not thrown. */
  spawn(file: string, args: readonly string[], options?: ProcessOptions): ManagedProcess;
}
export const ProcessRunner = defineCoreService<ProcessRunner>('ProcessRunner');

/** Time, replaceable in tests by the test kit's fake clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): Disposable;
  setInterval(fn: () => void, ms: number): Disposable;
  /** Resolves after `ms` (or rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
export const Clock = defineCoreService<Clock>('Clock');

/** An event on the agent's bus. Types are dotted: `session.created`, `power.changed`, `tunnel.status`. */
export interface AgentEvent<T = unknown> {
  /** Unique id (monotonic within a run). */
  id: number;
  type: string;
  /** ISO time. */
  time: string;
  /** Id of the plugin (or core service) that published it. */
  source: string;
  data: T;
}

/** What {@link EventBus.subscribe} accepts: a typed event, a type name, a prefix (`session.*`) or `*`. */
export type EventPattern = EventType<unknown> | string;

/**
 * In-process publish/subscribe. Events flow to `GET /api/events` (server-sent events); the built-in
 * ones are declared in `events.ts` of this module and listed in docs/events.md.
 *
 * Rules: `publish` is synchronous and never throws because of a subscriber (a throwing subscriber is
 * logged and skipped); subscribers run in subscription order, on the publisher's stack, so keep them
 * short and never block. Dispose subscriptions in `deactivate` (or hand them to `ctx.onDispose`).
 */
export interface EventBus {
  /** Publish a typed event; `data` is checked against the event's type. `source` is the plugin's id. */
  publish<T>(event: EventType<T>, data: T): void;
  /** Publish by name (untyped; prefer {@link defineEvent}). */
  publish(type: string, data: unknown): void;
  /** Subscribe to one typed event: `event.data` is typed. */
  subscribe<T>(event: EventType<T>, listener: (event: AgentEvent<T>) => void): Disposable;
  /** Subscribe to names, prefixes (`"session.*"`), `"*"` (everything), or a list of these. */
  subscribe(pattern: EventPattern | readonly EventPattern[], listener: (event: AgentEvent) => void): Disposable;
}
export const EventBus = defineCoreService<EventBus>('EventBus');
