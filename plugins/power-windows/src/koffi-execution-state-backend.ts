import type { PowerBackend } from 'tunnelforge/plugin';
import type { ExecutionStateBinding } from './execution-state-binding';
import { ExecutionState } from './execution-state-flags';

/**
 * Holds Windows awake by calling `SetThreadExecutionState` in the agent's own main thread. The
 * state belongs to the calling thread and lasts (ES_CONTINUOUS) until the next call or until the
 * thread ends, so a crashed agent can never leave the machine pinned awake; no child process.
 */
export class KoffiExecutionStateBackend implements PowerBackend {
  readonly name = 'SetThreadExecutionState';

  constructor(private readonly binding: ExecutionStateBinding, private readonly keepDisplayOn: boolean) {}

  async engage(): Promise<void> {
    const { ES_CONTINUOUS, ES_SYSTEM_REQUIRED, ES_DISPLAY_REQUIRED } = ExecutionState;
    const flags = (ES_CONTINUOUS | ES_SYSTEM_REQUIRED | (this.keepDisplayOn ? ES_DISPLAY_REQUIRED : 0)) >>> 0;
    if (this.binding.setThreadExecutionState(flags) === 0) throw new Error('SetThreadExecutionState failed (returned 0)');
  }

  async release(): Promise<void> {
    // ES_CONTINUOUS alone clears the system/display requirements set by engage().
    this.binding.setThreadExecutionState(ExecutionState.ES_CONTINUOUS >>> 0);
  }
}
