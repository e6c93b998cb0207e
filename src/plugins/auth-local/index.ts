import * as path from 'node:path';
import { Authenticator, definePlugin, z } from '../../plugin-api';
import { ensureLocalToken } from './local-token-file';
import { LocalTokenAuthenticator } from './local-token-authenticator';

const configSchema = z.object({
  /** Token file name inside the data dir. */
  file: z.string().regex(/^[\w.-]+$/, 'a plain file name inside the data dir').default('local-token'),
});

/** Same-machine clients authenticate by reading a 0600 token file in the data dir. */
export default definePlugin({
  id: 'auth-local',
  apiVersion: 1,
  description: 'Local token file (mode 0600) for clients on the same machine',
  provides: [Authenticator],
  config: configSchema,
  register(reg) {
    reg.provide(Authenticator, { create: () => new LocalTokenAuthenticator() });
  },
  async activate(ctx) {
    const file = path.join(ctx.agent.dataDir, ctx.config.file);
    const { token, created, tightened } = await ensureLocalToken(file);
    const auth = ctx.getAll(Authenticator).find((a): a is LocalTokenAuthenticator => a instanceof LocalTokenAuthenticator);
    auth?.setToken(token);
    if (tightened) ctx.log.warn('local token file was readable by others; reset its mode to 0600', { file });
    ctx.log.info(created ? 'created local token file' : 'using local token file', { file });
  },
  deactivate(ctx) {
    ctx.getAll(Authenticator).find((a): a is LocalTokenAuthenticator => a instanceof LocalTokenAuthenticator)?.setToken(null);
  },
});
