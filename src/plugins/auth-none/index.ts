import { Authenticator, definePlugin, z } from '../../plugin-api';
import { loopbackBindProblem } from './check-loopback-bind';
import { NoneAuthenticator } from './none-authenticator';

const configSchema = z.strictObject({
  /** Must be `true` for this plugin to run at all: it turns authentication off. */
  iKnowWhatIAmDoing: z.boolean().default(false),
});

/**
 * No authentication: every direct local request is admin. Off unless
 * `plugins.auth-none.options.iKnowWhatIAmDoing` is `true`; even then it refuses to boot (it is a
 * required plugin, so the agent stops) unless the agent binds to loopback only, and it warns on
 * every start. Meant for a single-user machine, never for an agent behind a tunnel.
 */
export default definePlugin({
  id: 'auth-none',
  apiVersion: 1,
  description: 'NO authentication (explicit opt-in; loopback binds only; loud)',
  provides: [Authenticator],
  required: true,
  config: configSchema,
  detect(ctx) {
    if (!ctx.config.iKnowWhatIAmDoing) return 'off: it turns authentication off; set plugins.auth-none.options.iKnowWhatIAmDoing = true to use it on a loopback-only agent';
    return true;
  },
  register(reg) {
    reg.provide(Authenticator, { create: () => new NoneAuthenticator() });
  },
  activate(ctx) {
    const problem = loopbackBindProblem(ctx.agent.host);
    if (problem !== null) throw new Error(problem);
    ctx.log.warn(
      `AUTHENTICATION IS OFF (auth-none): every program on this machine that can reach ${ctx.agent.host}:${ctx.agent.port} gets an admin shell, without credentials. Never expose this agent through a tunnel or proxy.`,
      { host: ctx.agent.host, port: ctx.agent.port },
    );
  },
});
