import type { ManagedProcess, ProcessRunner } from './core-services';
import type { PowerBackend } from './ref-counted-power-manager';

/** How long the holding child must stay up before we trust it took the assertion. */
const STARTUP_CHECK_MS = 150;

/**
 * A {@link PowerBackend} that holds the machine awake for as long as a child process runs
 * (`caffeinate -w <pid>`, `systemd-inhibit ... <cmd>`), and releases by stopping it. A child that
 * exits at once (no D-Bus, no permission) makes `engage` fail with what it printed; a child that
 * dies later is reported through `onLost`, so the power manager stops claiming a hold it lost.
 */
export class ProcessHoldBackend implements PowerBackend {
  private child: ManagedProcess | undefined;
  private readonly lostListeners = new Set<(reason: string) => void>();

  constructor(
    readonly name: string,
    private readonly processes: ProcessRunner,
    /**
     * argv for one hold (may resolve the executable first, e.g. with `PlatformInfo.which`, and throw
     * a clear error when it is missing). `reason` is a plain argument, never passed through a shell.
     */
    private readonly command: (reason: string) => readonly [string, ...string[]] | Promise<readonly [string, ...string[]]>,
  ) {}

  /** Pid of the holding child while engaged (for status and tests). */
  get pid(): number | undefined {
    return this.child?.running ? this.child.pid : undefined;
  }

  onLost(listener: (reason: string) => void): void {
    this.lostListeners.add(listener);
  }

  async engage(reason: string): Promise<void> {
    if (this.child?.running) return;
    const [file, ...args] = await this.command(reason);
    const child = this.processes.spawn(file, args);
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([child.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), STARTUP_CHECK_MS)))]);
    clearTimeout(timer);
    if (early) {
      const said = early.stderr.trim() || early.stdout.trim();
      throw new Error(`${file} exited at once (${early.error?.message ?? `code ${early.code}`})${said ? `: ${said}` : ''}`);
    }
    this.child = child;
    void child.exited.then((result) => {
      if (this.child !== child) return; // released on purpose
      this.child = undefined;
      const why = `${file} exited while holding (${result.signal ?? `code ${result.code}`})`;
      for (const listener of [...this.lostListeners]) listener(why);
    });
  }

  async release(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await child?.stop(2000);
  }
}
