import * as path from 'node:path';
import { z, type AuditLog, type Disposable, type HttpRoutes } from '../../plugin-api';
import { agentLogFiles } from '../shared/log-files';
import { readLastLines } from '../shared/read-last-lines';

const actor = z.object({ id: z.string(), role: z.enum(['admin', 'writer', 'viewer']), via: z.string() });
const auditEntry = z.object({
  time: z.string(),
  action: z.string(),
  outcome: z.enum(['success', 'failure']),
  by: actor.nullable(),
  target: z.string().optional(),
  address: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/**
 * `GET /api/logs` (admin): the tail of the agent's log file, one JSON record per line as pino wrote
 * it (fields redacted as logged). `GET /api/logs/audit` (admin): the newest audit trail entries.
 */
export function addLogRoutes(http: HttpRoutes, deps: { logsDir: string; audit: AuditLog | undefined }): Disposable {
  const routes = [
    http.add({
      method: 'GET',
      path: '/api/logs',
      access: 'admin',
      schema: {
        query: z.object({ lines: z.coerce.number().int().min(1).max(5000).default(200).describe('How many of the newest lines') }),
        response: z.object({
          file: z.string().nullable().describe('Name of the current log file in <dataDir>/logs, null when there is none yet'),
          lines: z.array(z.record(z.string(), z.unknown())).describe('Log records, oldest first; a line that is not JSON comes as { raw }'),
        }),
      },
      doc: { summary: 'The newest lines of the agent log file (written by tunnelforge start)', tags: ['logs'] },
      async handler(request) {
        const files = await agentLogFiles(deps.logsDir);
        let lines: string[] = [];
        for (let i = files.length - 1; i >= 0 && lines.length < request.query.lines; i--) {
          lines = [...(await readLastLines(files[i], request.query.lines - lines.length)), ...lines];
        }
        return { json: { file: files.length > 0 ? path.basename(files[files.length - 1]) : null, lines: lines.map(parseLine) }, headers: { 'cache-control': 'no-store' } };
      },
    }),
  ];
  const audit = deps.audit;
  if (audit !== undefined) {
    routes.push(
      http.add({
        method: 'GET',
        path: '/api/logs/audit',
        access: 'admin',
        schema: {
          query: z.object({ limit: z.coerce.number().int().min(1).max(5000).default(200).describe('How many of the newest entries') }),
          response: z.object({ entries: z.array(auditEntry) }),
        },
        doc: { summary: 'The newest audit trail entries (logins, tokens, shares, pairing, sessions, tunnels), oldest first', tags: ['logs'] },
        handler: async (request) => ({ json: { entries: await audit.read(request.query.limit) }, headers: { 'cache-control': 'no-store' } }),
      }),
    );
  }
  return { dispose: () => routes.forEach((route) => route.dispose()) };
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: shown raw
  }
  return { raw: line };
}
