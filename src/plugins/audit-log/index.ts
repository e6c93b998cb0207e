import * as path from 'node:path';
import { AuditLog, definePlugin, z } from '../../plugin-api';
import { auditSessionEvents } from './audit-session-events';
import { AuditTrail } from './audit-trail';

/**
 * The audit trail of security actions (`AuditLog`): logins, API tokens, share links, pairing,
 * sessions and tunnels, each with who did it, appended to `<dataDir>/logs/audit.log` and read by
 * admins at `GET /api/logs/audit` (added by `logs-api`). Requires nothing, so it activates before the
 * plugins that record into it.
 */
export default definePlugin({
  id: 'audit-log',
  apiVersion: 1,
  description: 'Audit trail of security actions in <dataDir>/logs/audit.log',
  provides: [AuditLog],
  config: z.strictObject({
    /** Size at which audit.log is rotated. */
    maxFileBytes: z.number().int().min(4096).max(1024 * 1024 * 1024).default(5 * 1024 * 1024),
    /** Rotated files kept (audit.1.log …). */
    keepFiles: z.number().int().min(0).max(100).default(5),
  }),
  register(reg, config) {
    reg.provide(AuditLog, { create: () => new AuditTrail(config) });
  },
  activate(ctx) {
    const trail = ctx.get(AuditLog) as AuditTrail;
    trail.open(path.join(ctx.agent.dataDir, 'logs'), ctx.log, () => ctx.clock.now());
    ctx.onDispose(() => trail.close());
    ctx.onDispose(auditSessionEvents(ctx.events, trail));
  },
});
