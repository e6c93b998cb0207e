import * as os from 'node:os';
import type { AuditRecord } from '../plugin-api';
import { MemoryLogger } from '../kernel/logger/memory-logger';
import { AuditTrail } from '../plugins/audit-log/audit-trail';
import { logsDir } from '../plugins/shared/log-files';

/**
 * Append one entry to the audit trail in `dataDir` from the command line (`token create|revoke`),
 * as `cli:<OS user>` with the admin role (whoever can write the data dir is its owner). Appends are
 * single small writes to an O_APPEND file, so they interleave safely with a running agent's. A
 * failure is reported on stderr, never fails the command.
 */
export async function recordCliAudit(dataDir: string, entry: Omit<AuditRecord, 'by'>, stderr: { write(s: string): unknown }): Promise<void> {
  const trail = new AuditTrail({ maxFileBytes: 5 * 1024 * 1024, keepFiles: 5 });
  const log = new MemoryLogger();
  trail.open(logsDir(dataDir), log, () => Date.now());
  trail.record({ ...entry, by: { id: `cli:${os.userInfo().username}`, role: 'admin', via: 'cli' } });
  await trail.close();
  const failure = log.entries.find((e) => e.level === 'error');
  if (failure) stderr.write(`tunnelforge: the audit trail was not written: ${String(failure.fields.error ?? failure.msg)}\n`);
}
