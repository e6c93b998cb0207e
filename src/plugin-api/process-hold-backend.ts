import type { ManagedProcess, ProcessRunner } from './core-services';
import type { PowerBackend } from './ref-counted-power-manager';

/** How long the holding child must stay up before we trust it took the assertion. */
const STARTUP_CHECK_MS = 150;

/**
 * A {@link PowerBackend} that holds the machine awake for as long as a child process runs
 * (`caffeinate -w <pid>`, `systemd-inhibit ... <cmd>`), and releases by stopping it. A child that
 * exits at once (no D-Bus, no permission) makes `engage` fail with what it printed.
 */
export class ProcessHoldBackend implements PowerBackend {
  private child: ManagedProcess | undefined;

  constructor(
    readonly name: string,
    private readonly processes: ProcessRunner,
    /** argv for one hold; `reason` is passed as a plain argument, never through a shell. */
    private readonly command: (reason: string) => [file: string, ...args: string[]],
  ) {}

  /** Pid of the holding child while engaged (for status and tests). */
  get pid(): number | undefined {
    return this.child?.running ? this.child.pid : undefined;
  }

  async engage(reason: string): Promise<void> {
    if (this.child?.running) return;
    const [file, ...args] = this.command(reason);
    const child = this.processes.spawn(file, args);
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([child.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), STARTUP_CHECK_MS)))]);
    clearTimeout(timer);
    if (early) {
      const said = early.stderr.trim() || early.stdout.trim();
      throw new Error(`${file} exited at once (${early.error?.message ?? `code ${early.code}`})${said ? `: ${said}` : ''}`);
    }
    this.child = child;
  }

  async release(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await child?.stop(2000);
  }
}
