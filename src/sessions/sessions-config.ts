import { z } from 'zod';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Config slice of the sessions core. Every field has a default, so `SessionsConfig.parse({})` is a
 * working configuration.
 */
export const SessionsConfig = z.strictObject({
  /** Sessions held at once (running and exited-but-not-removed: both hold an output ring). */
  maxSessions: z.number().int().min(1).max(4096).default(64),
  /** Output ring per session. Storage starts at 16 KiB and doubles up to this. */
  ringBytes: z.number().int().min(64 * KiB).max(256 * MiB).default(4 * MiB),
  /** A client whose socket has this much queued stops receiving until it drains. */
  clientBufferCap: z.number().int().min(16 * KiB).max(64 * MiB).default(1 * MiB),
  /** Coalescing window while output keeps arriving (the first chunk is sent at once). */
  coalesceMs: z.number().int().min(0).max(100).default(3),
  /**
   * Largest OUTPUT payload per frame (one WebSocket message; the transport puts messages over
   * 15 KiB on the wire as fragments, see MAX_WIRE_FRAME_BYTES in src/transport).
   */
  maxFrameBytes: z.number().int().min(1 * KiB).max(1 * MiB).default(64 * KiB),
  /**
   * A SNAPSHOT of a session whose whole output is in the ring, at most this long and written at
   * the current size is that output itself: exact, and no server-side screen model (~200 KiB) is
   * built for a shell that printed a prompt. 0: always the screen model.
   */
  freshReplayBytes: z.number().int().min(0).max(1 * MiB).default(16 * KiB),
  /** SIGTERM/SIGHUP → SIGKILL grace period. */
  killGraceMs: z.number().int().min(0).max(600_000).default(3000),
  /** Exited sessions are removed after this long; 0 keeps them until removed explicitly. */
  exitedRetentionMs: z.number().int().min(0).default(3_600_000),
  /** Scrollback lines of the server-side screen model (and the most a snapshot carries). */
  scrollbackLines: z.number().int().min(0).max(10_000).default(200),
  /** Largest serialized snapshot; scrollback is cut to fit. */
  maxSnapshotBytes: z.number().int().min(16 * KiB).max(16 * MiB).default(256 * KiB),
  /**
   * The screen model (~200 KiB for 120×40, MBs for big screens) is dropped this long after the last
   * snapshot or text request, attached clients or not; the next one rebuilds it from the ring's tail.
   */
  screenIdleMs: z.number().int().min(0).default(10_000),
  /** Login shell for sessions created without a command; default `$SHELL`, else `/bin/sh`. */
  shell: z.string().min(1).optional(),
  /** Arguments for the shell (a login shell by default). */
  shellArgs: z.array(z.string()).default(['-l']),
  /**
   * Where the PTYs live. `host` (default): in the session host, a process of its own per data dir
   * that outlives the agent, so a restart, upgrade or crash of the agent loses no terminal.
   * `in-process`: inside the agent; sessions end with it.
   */
  mode: z.enum(['host', 'in-process']).default('host'),
  /** What the agent's shutdown does to sessions in the host: leave them running (`keep`) or end them. */
  onShutdown: z.enum(['keep', 'kill']).default('keep'),
  /** Record new sessions (asciicast v2 of output and resizes, never input) unless their create request says otherwise. */
  recordByDefault: z.boolean().default(false),
  /** Largest recording part; at the cap the file rotates (the previous part is kept as `<id>.1.cast`). */
  maxRecordingBytes: z.number().int().min(64 * KiB).max(1024 * MiB).default(16 * MiB),
  /** Keep a session's recording after the session is removed (in `recordings/` of the data dir). */
  keepRecordings: z.boolean().default(false),
  /**
   * Watch output for titles, bells, activity and OSC 133 marks, and poll the foreground process
   * (docs/events.md). Off: `title`, `active`, `foreground`, `lastCommand` stay empty and no
   * `session.title|bell|activity|command-finished` events are published (the benchmark compares both).
   */
  stateDetection: z.boolean().default(true),
  /** A session is `active` while it had output within this window; this long without output makes it idle (`session.activity`). */
  activityWindowMs: z.number().int().min(100).max(3_600_000).default(5000),
  /** Commands shorter than this finish without a `session.command-finished` event (`lastCommand` is still updated). */
  commandMinDurationMs: z.number().int().min(0).max(86_400_000).default(5000),
  /** At most one `session.bell` per session per interval; bells in between are counted into the next. */
  bellIntervalMs: z.number().int().min(50).max(600_000).default(1000),
  /** The foreground process is read this long after output (never more often), and every 4× this while a command runs. */
  foregroundPollMs: z.number().int().min(50).max(60_000).default(1000),
  /** Longest session title kept (characters); an OSC title of more than 4 KiB is ignored whole. */
  maxTitleChars: z.number().int().min(1).max(1024).default(256),
  /** Recent bus events kept for `Last-Event-ID` replay on `GET /api/events`. */
  eventHistorySize: z.number().int().min(0).max(100_000).default(1000),
  /** Watched sessions (WATCH, docs/protocol.md): at most one preview per session per interval. */
  previewIntervalMs: z.number().int().min(100).max(60_000).default(500),
  /** Watched sessions: preview bytes a client may receive per second, over all its sessions. */
  previewBytesPerSecond: z.number().int().min(1024).max(64 * MiB).default(256 * KiB),
  /**
   * `POST /api/sessions` per principal (a user, an API token): at most `creates` in each window of `windowMs` (429
   * `TF_ERR_RATE_LIMITED` with Retry-After beyond). Every create forks a process; `creates: 0` turns it off.
   */
  createRateLimit: z.strictObject({
    creates: z.number().int().min(0).max(100_000).default(30),
    windowMs: z.number().int().min(1000).max(3_600_000).default(10_000),
  }).prefault({}),
  /** Consecutive protocol errors before a WebSocket is closed with 4400. */
  maxProtocolErrors: z.number().int().min(1).max(10_000).default(50),
});

/** The validated config slice. */
export type SessionsConfig = z.output<typeof SessionsConfig>;
/** The config slice as written (all fields optional). */
export type SessionsConfigInput = z.input<typeof SessionsConfig>;
