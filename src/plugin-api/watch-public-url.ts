import type { Clock, ManagedProcess } from './core-services';
import type { TunnelLaunch } from './tunnel-launcher';

/** How a tunnel tool reveals its public URL. */
export interface PublicUrlSources {
  clock: Clock;
  /** Aborted when the run ends; polling stops with it. */
  signal: AbortSignal;
  /** Poll interval (default 250 ms). */
  pollMs?: number;
  /**
   * Look at one output line; return the public URL when the line carries it. Also the place to note
   * facts needed for polling (such as the address of the tool's local API).
   */
  fromLine(line: string): string | null;
  /**
   * Ask the tool's local endpoint; the URL, or null when not known yet. Called every `pollMs`; a
   * throw counts as "not yet" (the endpoint may not be up).
   */
  poll?(): Promise<string | null>;
}

/**
 * The {@link TunnelLaunch} of a running tunnel child: its public URL comes from whichever source
 * answers first, its output or its local endpoint (polled on the agent's clock).
 */
export function watchPublicUrl(child: ManagedProcess, sources: PublicUrlSources): TunnelLaunch {
  const stopPolling = new AbortController();
  let found = false;
  let resolveUrl!: (url: string) => void;
  const publicUrl = new Promise<string>((resolve) => (resolveUrl = resolve));
  const done = (url: string | null) => {
    if (found || !url) return;
    found = true;
    stopPolling.abort();
    resolveUrl(url);
  };
  const lines = child.onLine((line) => done(sources.fromLine(line)));

  const poll = async (ask: () => Promise<string | null>) => {
    const signal = AbortSignal.any([stopPolling.signal, sources.signal]);
    while (!signal.aborted) {
      try {
        await sources.clock.sleep(sources.pollMs ?? 250, signal);
      } catch {
        return; // the run ended or the URL was found
      }
      try {
        done(await ask());
      } catch {
        // Not answering yet: try again on the next tick.
      }
    }
  };
  if (sources.poll) void poll(sources.poll);

  return {
    process: child,
    publicUrl,
    close: () => {
      lines.dispose();
      stopPolling.abort();
    },
  };
}
