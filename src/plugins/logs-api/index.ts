import { AuditLog, definePlugin, HttpRoutes, z } from '../../plugin-api';
import { logsDir } from '../shared/log-files';
import { addLogRoutes } from './add-log-routes';

/**
 * Reading the logs over HTTP, for admins: `GET /api/logs` tails the agent's rotating log file in
 * `<dataDir>/logs` (written by `tunnelforge start`), `GET /api/logs/audit` the audit trail.
 */
export default definePlugin({
  id: 'logs-api',
  apiVersion: 1,
  description: 'Admin routes: the tail of the agent log file and the audit trail',
  requires: [HttpRoutes],
  optional: [AuditLog],
  config: z.strictObject({}),
  activate(ctx) {
    ctx.onDispose(addLogRoutes(ctx.get(HttpRoutes), { logsDir: logsDir(ctx.agent.dataDir), audit: ctx.tryGet(AuditLog) }));
  },
});
