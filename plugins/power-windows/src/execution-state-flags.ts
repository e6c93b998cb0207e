/**
 * `SetThreadExecutionState` flags (winbase.h). Combine with `>>> 0`: `ES_CONTINUOUS | x` is a
 * negative int32 in JavaScript, while the Win32 parameter is an unsigned DWORD.
 */
export const ExecutionState = Object.freeze({
  /** Keep the state until the next call with ES_CONTINUOUS; alone, it clears the other flags. */
  ES_CONTINUOUS: 0x80000000,
  /** Keep the system from sleeping. */
  ES_SYSTEM_REQUIRED: 0x00000001,
  /** Keep the display on. */
  ES_DISPLAY_REQUIRED: 0x00000002,
});
