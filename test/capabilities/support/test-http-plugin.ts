import { definePlugin, HttpRoutes, Logger, type AuthRequest, type AuthResult, type Authenticator, type PluginDefinition, type Role } from 'tunnelforge/plugin';
import type { TestKernel } from 'tunnelforge/testkit';
import { UwsServer } from '../../../src/transport/uws-server';

const TOKENS: Record<string, Role> = { 'admin-token': 'admin', 'writer-token': 'writer', 'viewer-token': 'viewer' };

/** `Authorization: Bearer <role>-token` for one of the test roles. */
export const authAs = (role: Role): Record<string, string> => ({ authorization: `Bearer ${role}-token` });

const bearer: Authenticator = {
  id: 'test-bearer',
  authenticate(request: AuthRequest): AuthResult {
    const header = request.headers['authorization'];
    if (!header?.startsWith('Bearer ')) return { kind: 'pass' };
    const role = TOKENS[header.slice(7)];
    return role ? { kind: 'allow', principal: { id: `test-${role}`, role, via: 'test-bearer' } } : { kind: 'deny', status: 401, code: 'TF_ERR_BAD_TOKEN', message: 'unknown token' };
  },
};

/**
 * Provides HttpRoutes with the real uWebSockets.js server (`src/transport`) on 127.0.0.1, a free
 * port, and a bearer-token auth chain; publishes `server.listening` like the agent's `core-http`.
 */
export function testHttpPlugin(): PluginDefinition {
  return definePlugin({
    id: 'test-http',
    apiVersion: 1,
    provides: [HttpRoutes],
    register: (reg) =>
      reg.provide(HttpRoutes, { deps: { log: Logger }, create: ({ log }) => new UwsServer({ host: '127.0.0.1', port: 0, log, authenticators: () => [bearer] }) }),
    async activate(ctx) {
      const { url } = await (ctx.get(HttpRoutes) as UwsServer).listen();
      ctx.events.publish('server.listening', { url });
    },
    async deactivate(ctx) {
      await (ctx.tryGet(HttpRoutes) as UwsServer | undefined)?.close();
    },
  });
}

/** The URL the test server listens on, from its `server.listening` event. */
export function serverUrl(tk: TestKernel): string {
  const event = tk.events.find((e) => e.type === 'server.listening');
  if (!event) throw new Error('the test server did not publish server.listening');
  return (event.data as { url: string }).url;
}
