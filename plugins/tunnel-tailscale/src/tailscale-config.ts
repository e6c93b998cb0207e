import { tunnelSupervisionConfig, z } from 'tunnelforge/plugin';

const role = z.enum(['admin', 'writer', 'viewer']);

/** Config slice of `tunnel-tailscale` (`plugins.tunnel-tailscale.options`). */
export const tailscaleConfigSchema = z
  .strictObject({
    /**
     * `serve` (default): reachable from your tailnet only. `funnel`: reachable from the whole
     * internet through Tailscale Funnel; only when you mean it.
     */
    mode: z.enum(['serve', 'funnel']).default('serve'),
    /** HTTPS port on the tailnet name. Funnel allows 443, 8443 and 10000 only. */
    httpsPort: z.number().int().min(1).max(65535).default(443),
    /** How long `tailscale status --json` may take (ms). */
    statusTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /**
     * Opt-in: admit requests that arrive through this tunnel's serve proxy as the tailnet user
     * Tailscale names in `Tailscale-User-Login`, with the role given here (see docs/security.md for
     * when these headers are trusted and the risk that remains).
     */
    identity: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Tailscale login (as in `Tailscale-User-Login`, e.g. `alice@example.com` or `alice@github`) → role. */
        users: z.record(z.string().min(1).max(320), role).default({}),
      })
      .default({ enabled: false, users: {} }),
    ...tunnelSupervisionConfig,
  })
  .refine((c) => c.mode !== 'funnel' || [443, 8443, 10000].includes(c.httpsPort), {
    message: 'Tailscale Funnel serves only on ports 443, 8443 and 10000',
    path: ['httpsPort'],
  })
  .refine((c) => !c.identity.enabled || Object.keys(c.identity.users).length > 0, {
    message: 'identity.enabled needs at least one entry in identity.users (login → role)',
    path: ['identity', 'users'],
  });

/** Validated config of `tunnel-tailscale`. */
export type TailscaleConfig = z.output<typeof tailscaleConfigSchema>;
