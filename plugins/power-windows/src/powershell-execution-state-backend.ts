import type { ManagedProcess, PlatformInfo, PowerBackend, ProcessRunner } from 'tunnelforge/plugin';
import { ExecutionState } from './execution-state-flags';

const READY_TIMEOUT_MS = 15_000;

/**
 * PowerShell script run with argv (no string interpolation of outside data): sets the execution
 * state, prints READY, then waits until the agent process is gone.
 */
function holdScript(flags: number, agentPid: number): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    "Add-Type -Name Power -Namespace TunnelForge -MemberDefinition '[DllImport(\"kernel32.dll\")] public static extern uint SetThreadExecutionState(uint esFlags);'",
    `if ([TunnelForge.Power]::SetThreadExecutionState([uint32]${flags >>> 0}) -eq 0) { Write-Error 'SetThreadExecutionState failed'; exit 1 }`,
    "Write-Output 'READY'",
    `try { Wait-Process -Id ${agentPid} } catch { }`,
  ].join('; ');
}

/**
 * The fallback when koffi cannot load: a kept-alive PowerShell child holds ES_CONTINUOUS |
 * ES_SYSTEM_REQUIRED in its own thread; stopping it releases the state. It also ends by itself when
 * the agent dies (`Wait-Process`), so the hold never outlives the agent.
 */
export class PowerShellExecutionStateBackend implements PowerBackend {
  readonly name = 'SetThreadExecutionState/powershell';
  private child: ManagedProcess | undefined;

  constructor(private readonly processes: ProcessRunner, private readonly platform: PlatformInfo, private readonly keepDisplayOn: boolean) {}

  /** Pid of the holding PowerShell while engaged. */
  get pid(): number | undefined {
    return this.child?.running ? this.child.pid : undefined;
  }

  async engage(): Promise<void> {
    if (this.child?.running) return;
    const shell = (await this.platform.which('powershell')) ?? (await this.platform.which('pwsh'));
    if (!shell) throw new Error('neither powershell nor pwsh found on PATH');
    const { ES_CONTINUOUS, ES_SYSTEM_REQUIRED, ES_DISPLAY_REQUIRED } = ExecutionState;
    const flags = ES_CONTINUOUS | ES_SYSTEM_REQUIRED | (this.keepDisplayOn ? ES_DISPLAY_REQUIRED : 0);
    const child = this.processes.spawn(shell, ['-NoProfile', '-NonInteractive', '-Command', holdScript(flags, process.pid)]);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('PowerShell did not confirm the execution state in time')), READY_TIMEOUT_MS);
      const sub = child.onLine((line) => line.trim() === 'READY' && done());
      void child.exited.then((r) => done(new Error(`PowerShell exited (${r.error?.message ?? `code ${r.code}`}): ${r.stderr.trim()}`)));
      function done(error?: Error) {
        clearTimeout(timer);
        sub.dispose();
        if (error) reject(error);
        else resolve();
      }
    }).catch(async (error) => {
      await child.stop(1000);
      throw error;
    });
    this.child = child;
  }

  async release(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    // The execution state belongs to the child's thread: ending it releases the assertion.
    await child?.stop(2000);
  }
}
