import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Free page reporting (virtio-balloon) hands memory the guest freed back to the host about a
 * second later. The next allocation of such a page costs a host page fault: measured here, writing
 * 1 GiB into the page cache ran at ~4 GB/s within 0.5 s of deleting a 1 GiB file and at ~0.45 GB/s
 * once 1 s or more had passed (sys time 0.25 s against 1.8 s). A step of a file benchmark that
 * happens to draw such pages is taxed 10×, at random, by the VM and not by the code measured. On
 * a machine without this feature (bare metal, most laptops) the knob does not exist.
 */
const REPORTING_ORDER = '/sys/module/page_reporting/parameters/page_reporting_order';
/** Above the buddy allocator's largest order (10): no free block qualifies, nothing is reported. */
const NEVER = '11';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** What `holdMemoryHot` did, for the results. */
export interface HotMemory {
  /** `paused`: reporting was paused and memory primed; `absent`: the machine does not report free pages; `not root`: it does, and the bench could not pause it. */
  state: 'paused' | 'absent' | 'not root';
  /** Time spent priming (untimed for the steps), ms. */
  primeMs: number;
  /** Puts the setting back as it was (idempotent). */
  restore(): void;
}

/**
 * Pauses free page reporting for the benchmark (root; restored by `restore()` and on exit), then
 * primes `primeBytes` of page cache by writing and deleting a scratch file at `scratch`, so every
 * step's page cache comes from memory the guest already holds, as on a machine without reporting.
 */
export function holdMemoryHot(scratch: string, primeBytes: number): HotMemory {
  let before: string;
  try {
    before = readFileSync(REPORTING_ORDER, 'utf8').trim();
  } catch {
    return { state: 'absent', primeMs: 0, restore: () => undefined };
  }
  try {
    writeFileSync(REPORTING_ORDER, NEVER);
  } catch {
    return { state: 'not root', primeMs: 0, restore: () => undefined };
  }
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    writeFileSync(REPORTING_ORDER, before);
  };
  // Interrupted, the setting is put back first; then the signal is raised again to end as it would have.
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    process.kill(process.pid, signal);
  };
  process.on('exit', restore);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  const started = performance.now();
  const blocks = Math.ceil(primeBytes / (4 * 1024 * 1024));
  execFileSync('dd', ['if=/dev/zero', `of=${scratch}`, 'bs=4M', `count=${blocks}`, 'status=none']);
  rmSync(scratch);
  return { state: 'paused', primeMs: performance.now() - started, restore };
}
