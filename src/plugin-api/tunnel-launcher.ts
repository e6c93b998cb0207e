import type { ManagedProcess } from './core-services';

/** One launched tunnel process, as a {@link TunnelLauncher} hands it to {@link SupervisedTunnel}. */
export interface TunnelLaunch {
  /** The tunnel tool's child process (spawned with {@link ProcessRunner.spawn}). */
  readonly process: ManagedProcess;
  /**
   * Resolves with the public URL once the tool reports it. It may also reject with a clear reason;
   * it need not watch for the process exiting or for a timeout: the supervisor does both.
   */
  readonly publicUrl: Promise<string>;
  /** Stop pollers and remove temporary files. Called once when the run ends; never stops the process. */
  close?(): void;
}

/**
 * Starts one run of a tunnel tool (`cloudflared`, `ngrok`, ...). {@link SupervisedTunnel} owns
 * everything else: the state machine, the URL timeout, restarts with back-off and stopping.
 */
export interface TunnelLauncher {
  /** Tool name used in messages, e.g. `"cloudflared"`. */
  readonly tool: string;
  /**
   * Spawn the tool so that it exposes `localUrl`. Throw with a clear message when it cannot start
   * (`"cloudflared not found on PATH"`). Do not await anything after spawning: the supervisor starts
   * collecting the child's output lines when this resolves. `signal` aborts when the run is stopped.
   */
  launch(localUrl: string, signal: AbortSignal): Promise<TunnelLaunch>;
  /**
   * The human-readable error carried by one output line; `''` for an error line without content
   * (a blank continuation), `null` when the line is not an error. Of consecutive error lines the
   * supervisor quotes the first, which is where tools put the cause.
   */
  explain?(line: string): string | null;
}
