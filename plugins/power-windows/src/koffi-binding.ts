import type { ExecutionStateBinding } from './execution-state-binding';

interface KoffiLibrary {
  func(signature: string): (...args: unknown[]) => unknown;
}
interface KoffiModule {
  load(path: string): KoffiLibrary;
}

/**
 * `SetThreadExecutionState` from kernel32.dll through koffi. koffi is an optional dependency that
 * only matters on Windows, so it is required lazily, here, and only when this runs; any failure
 * (not installed, not Windows) is thrown for the caller to fall back on PowerShell.
 */
export function loadKoffiBinding(): ExecutionStateBinding {
  const koffi = require('koffi') as KoffiModule;
  const kernel32 = koffi.load('kernel32.dll');
  const setThreadExecutionState = kernel32.func('uint32 __stdcall SetThreadExecutionState(uint32 esFlags)');
  return { setThreadExecutionState: (flags) => Number(setThreadExecutionState(flags >>> 0)) };
}
