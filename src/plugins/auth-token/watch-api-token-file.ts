import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { Disposable, Logger } from '../../plugin-api';

/**
 * Call `changed` soon after `file` changes on disk (a `tunnelforge token revoke` from another
 * process), so a revocation reaches open connections without waiting for the next request. Watches
 * the directory, not the file: the store is replaced by an atomic rename, which a watch on the old
 * file would not follow. Event-driven (no timer while idle); a platform without `fs.watch` support
 * only loses the prompt notice, since every lookup still re-checks the file at most a second later.
 */
export function watchApiTokenFile(file: string, changed: () => void, log: Logger): Disposable {
  const name = path.basename(file);
  let watcher: FSWatcher | null = null;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    watcher = watch(path.dirname(file), { persistent: false }, (_event, filename) => {
      if (filename === null || filename === name) changed();
    });
    watcher.on('error', (error) => {
      log.warn('cannot watch the API token file; revocations from the CLI reach open connections only at their next request', { error: error.message });
      watcher?.close();
    });
  } catch (error) {
    log.warn('cannot watch the API token file; revocations from the CLI reach open connections only at their next request', { error: (error as Error).message });
  }
  return { dispose: () => watcher?.close() };
}
