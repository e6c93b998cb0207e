import { tunnelSupervisionConfig, z } from 'tunnelforge/plugin';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Config slice of `tunnel-cloudflare` (`plugins.tunnel-cloudflare.options`). */
export const cloudflareConfigSchema = z
  .object({
    /**
     * Named tunnel: the tunnel token from the Cloudflare dashboard. Passed to cloudflared in the
     * `TUNNEL_TOKEN` environment variable, never on the command line. Omit for a quick tunnel.
     */
    token: z.string().min(1).optional(),
    /** Named tunnel: the public hostname routed to this agent (its ingress is set in the dashboard). */
    hostname: z.string().regex(HOSTNAME, 'a DNS hostname such as term.example.com').optional(),
    /** Port of cloudflared's local metrics server (`/quicktunnel`, `/ready`) on 127.0.0.1; 0 picks a free one. */
    metricsPort: z.number().int().min(0).max(65535).default(0),
    ...tunnelSupervisionConfig,
  })
  .refine((c) => (c.token === undefined) === (c.hostname === undefined), {
    message: 'a named tunnel needs both token and hostname (omit both for a quick tunnel)',
    path: ['hostname'],
  });

/** Validated config of `tunnel-cloudflare`. */
export type CloudflareConfig = z.output<typeof cloudflareConfigSchema>;
