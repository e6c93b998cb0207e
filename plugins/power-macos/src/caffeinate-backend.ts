import type { ManagedProcess, PowerBackend, ProcessRunner } from 'tunnelforge/plugin';

/** How long caffeinate must stay up before we trust it took the assertion. */
const STARTUP_CHECK_MS = 150;

/** Holds a macOS power assertion for as long as a `caffeinate -w <agent pid>` child runs. */
export class CaffeinateBackend implements PowerBackend {
  readonly name = 'caffeinate';
  private child: ManagedProcess | undefined;

  constructor(private readonly processes: ProcessRunner, private readonly flags: readonly string[]) {}

  async engage(): Promise<void> {
    if (this.child?.running) return;
    // -w: caffeinate exits by itself if the agent dies, so no assertion is ever orphaned.
    const child = this.processes.spawn('caffeinate', [...this.flags, '-w', String(process.pid)]);
    const early = await Promise.race([child.exited, new Promise<null>((r) => setTimeout(() => r(null), STARTUP_CHECK_MS))]);
    if (early) throw new Error(`caffeinate exited at once (${early.error?.message ?? `code ${early.code}`}): ${early.stderr.trim()}`);
    this.child = child;
  }

  async release(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await child?.stop(2000);
  }
}
