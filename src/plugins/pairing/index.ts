import { AuditLog, definePlugin, HttpRoutes, TunnelProvider, z } from '../../plugin-api';
import { ApiTokens } from '../shared/api-tokens';
import { addPairingRoutes } from './add-pairing-routes';
import { ClaimLimiter } from './claim-limiter';
import { PairingCodes } from './pairing-codes';

/**
 * Device pairing: an admin (`tunnelforge pair`, the web client's "Pair a device", or
 * `POST /api/pairing`) gets a short one-time code and a QR code of the agent's link; the phone
 * opens the link (or types the code) and claims an API token of the chosen role. The token is an
 * ordinary API token: listed by `tunnelforge token ls`, revoked with `token revoke` (which closes
 * the device's open connections).
 */
export default definePlugin({
  id: 'pairing',
  apiVersion: 1,
  description: 'Device pairing: one-time codes and QR codes traded for API tokens',
  requires: [HttpRoutes, ApiTokens],
  optional: [TunnelProvider, AuditLog],
  config: z.strictObject({
    /** How long a code can be claimed. */
    codeTtlMinutes: z.number().int().min(1).max(60).default(10),
    /** The agent's address as devices see it (e.g. a reverse proxy's https URL); tunnels that are up are found by themselves. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Lifetime of a paired device's token in days; omitted: until revoked. */
    tokenTtlDays: z.number().int().min(1).max(3650).optional(),
    /** Failed claims allowed per client address and agent-wide within `windowSeconds`. */
    rateLimit: z
      .strictObject({
        perAddress: z.number().int().min(1).max(1000).default(5),
        global: z.number().int().min(1).max(10_000).default(20),
        windowSeconds: z.number().int().min(1).max(86_400).default(600),
      })
      .default({ perAddress: 5, global: 20, windowSeconds: 600 }),
  }),
  activate(ctx) {
    const now = () => ctx.clock.now();
    const { perAddress, global, windowSeconds } = ctx.config.rateLimit;
    ctx.onDispose(
      addPairingRoutes(ctx.get(HttpRoutes), {
        codes: new PairingCodes(now),
        limiter: new ClaimLimiter({ perAddress, global, windowMs: windowSeconds * 1000 }, now),
        tokens: ctx.get(ApiTokens),
        tunnels: ctx.getAll(TunnelProvider),
        agent: ctx.agent,
        audit: ctx.tryGet(AuditLog),
        log: ctx.log,
        config: ctx.config,
      }),
    );
  },
});
