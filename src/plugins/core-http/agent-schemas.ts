import { z } from '../../plugin-api';

const role = z.enum(['admin', 'writer', 'viewer']);

/** `PluginSummary` as `GET /api/plugins` answers it. */
export const pluginSummarySchema = z.object({
  id: z.string(),
  package: z.string().nullable(),
  source: z.enum(['builtin', 'package', 'discovered']),
  version: z.string().nullable(),
  description: z.string().nullable(),
  state: z.enum(['discovered', 'ready', 'active', 'skipped', 'disabled', 'failed', 'stopped']),
  reason: z.string().nullable().describe('Why it is skipped, disabled or failed'),
  required: z.boolean(),
  provides: z.array(z.string()),
  requires: z.array(z.string()),
});

/** `GET /api/info`: what a client needs to know about the agent before it connects. */
export const agentInfoSchema = z.object({
  name: z.literal('tunnelforge'),
  version: z.string(),
  instanceId: z.string().describe('Random per run of the agent: a new value means the agent restarted (sessions may have outlived it: compare their hostId)'),
  startedAt: z.string().describe('ISO time this run of the agent started'),
  protocol: z.literal(1).describe('WebSocket protocol version (docs/protocol.md)'),
  platform: z.object({ os: z.string(), arch: z.string(), release: z.string(), hostname: z.string() }),
  capabilities: z.array(z.string()).describe('Capabilities provided by active plugins'),
  plugins: z.array(z.object({ id: z.string(), version: z.string().nullable() })).describe('Active plugins'),
  degraded: z.boolean().describe('Some plugin failed'),
  websocketUrl: z.string(),
  principal: z.object({ id: z.string(), role, via: z.string(), sessionId: z.string().optional(), expiresAt: z.string().optional() }).describe('The caller'),
});

/** `GET /api/openapi.json`: the top of an OpenAPI 3.1 document (operations are not re-described here). */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  components: z.record(z.string(), z.unknown()),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
