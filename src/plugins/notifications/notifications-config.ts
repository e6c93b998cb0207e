import { z } from '../../plugin-api';

/** What a subscription can ask to be told about. */
export const NOTIFICATION_KINDS = ['bell', 'command-finished', 'idle', 'title'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Options of the `notifications` plugin (`plugins.notifications.options`). */
export const notificationsConfigSchema = z.strictObject({
  /**
   * The VAPID `sub` claim: how a push service reaches whoever runs this agent. A `mailto:` address
   * or an `https:` URL; Apple's push service refuses `localhost` ones, so set your own.
   */
  subject: z
    .string()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'a mailto: address or an https: URL')
    .default('mailto:tunnelforge@localhost'),
  /**
   * Accept `http://` endpoints on loopback addresses (a test push service on 127.0.0.1). Real push
   * services are https only; never turn this on for a reachable agent.
   */
  allowInsecureEndpoints: z.boolean().default(false),
  /** `full`: session name and details (command, exit code, title) in the payload; `minimal`: only what happened and the session id. */
  payload: z.enum(['full', 'minimal']).default('full'),
  /** Pushes waiting to be sent at most; when full, the oldest is dropped (and counted). */
  maxQueue: z.number().int().min(1).max(100_000).default(256),
  /** Pushes sent at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** One request to a push service gives up after this long. */
  requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Tries after the first for a 429, a 5xx or a network error, with exponential backoff. */
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** First backoff; doubled per retry (a `Retry-After` of the push service wins, capped at `maxBackoffMs`). */
  backoffMs: z.number().int().min(10).max(600_000).default(1000),
  maxBackoffMs: z.number().int().min(10).max(3_600_000).default(60_000),
  /** How long the push service keeps a push for an offline device (the `TTL` header), in seconds. */
  ttlSeconds: z.number().int().min(0).max(2_419_200).default(3600),
  /** Subscriptions (devices) per principal, and in all. */
  maxPerPrincipal: z.number().int().min(1).max(1000).default(20),
  maxSubscriptions: z.number().int().min(1).max(100_000).default(1000),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
