import { z } from 'tunnelforge/plugin';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Restart back-off after the tunnel died while up. */
const restartSchema = z.object({
  initialDelayMs: z.number().int().min(10).max(600_000).default(1000),
  maxDelayMs: z.number().int().min(10).max(3_600_000).default(60_000),
  maxAttempts: z.number().int().min(0).max(1000).default(10),
  resetAfterMs: z.number().int().min(0).default(60_000),
});

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
    /** How long to wait for the public URL before giving up (ms). */
    urlTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
    restart: restartSchema.default({ initialDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 10, resetAfterMs: 60_000 }),
  })
  .refine((c) => (c.token === undefined) === (c.hostname === undefined), {
    message: 'a named tunnel needs both token and hostname (omit both for a quick tunnel)',
    path: ['hostname'],
  });

/** Validated config of `tunnel-cloudflare`. */
export type CloudflareConfig = z.output<typeof cloudflareConfigSchema>;
