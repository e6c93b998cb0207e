/**
 * The one Win32 call the plugin needs, behind an interface so tests (and hosts with their own FFI)
 * can pass another implementation. The real one is {@link loadKoffiBinding}.
 */
export interface ExecutionStateBinding {
  /** `SetThreadExecutionState(flags)`: returns the previous state, or 0 when the call failed. */
  setThreadExecutionState(flags: number): number;
}

/** Builds a binding; throws when it cannot (koffi missing, not Windows). */
export type ExecutionStateBindingFactory = () => ExecutionStateBinding;
