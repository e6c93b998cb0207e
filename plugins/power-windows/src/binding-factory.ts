import type { ExecutionStateBinding, ExecutionStateBindingFactory } from './execution-state-binding';
import { loadKoffiBinding } from './koffi-binding';

let factory: ExecutionStateBindingFactory = loadKoffiBinding;

/**
 * Replace how the plugin obtains its {@link ExecutionStateBinding} (tests pass a fake; no argument
 * restores koffi). Affects plugins created afterwards, in this process.
 */
export function setExecutionStateBindingFactory(next?: ExecutionStateBindingFactory): void {
  factory = next ?? loadKoffiBinding;
}

/** The binding, or why there is none. Never throws. */
export function loadExecutionStateBinding(): { binding: ExecutionStateBinding } | { error: string } {
  try {
    return { binding: factory() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
