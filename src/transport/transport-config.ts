import { z } from 'zod';

const MiB = 1024 * 1024;

/** A browser origin as written in config (`scheme://host[:port]`), normalised the way browsers send it. */
const origin = z.string().transform((value, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  const bare = url !== null && url.username === '' && url.password === '' && url.pathname === '/' && url.search === '' && url.hash === '';
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an origin such as "https://example.com" or "http://localhost:5173"` });
    return z.NEVER;
  }
  return url.origin;
});

/**
 * Options of the uWebSockets.js transport. Every field has a default, so `TransportConfig.parse({})`
 * is a complete, safe configuration: loopback-friendly limits, same-origin WebSockets only, no CORS.
 */
export const TransportConfig = z.strictObject({
  /** Largest accepted HTTP request body; a route may set its own `maxBodyBytes`. */
  maxBodyBytes: z.number().int().positive().default(MiB),
  /**
   * Deepest nesting of objects and arrays in a JSON request body, checked on the raw bytes before
   * parsing (a 1 MiB body of nested brackets blocked the event loop for ~270 ms in JSON.parse).
   */
  maxJsonDepth: z.number().int().min(1).max(512).default(32),
  /** Most object keys plus array elements in a JSON request body, checked the same way. */
  maxJsonKeys: z.number().int().min(1).default(10_000),
  /**
   * Hard ceiling on an incoming WebSocket frame, enforced by uWS itself (it cuts the connection,
   * 1006). Routes set lower limits (`maxPayloadBytes`) that close cleanly with 1009, so keep this
   * above them: frames between the two get the clear error.
   */
  maxWsPayloadBytes: z.number().int().positive().default(4 * MiB),
  /**
   * Bytes uWS may queue per socket before `send` reports `dropped`. Deliberately large: the
   * streaming engine caps each client itself (via `bufferedAmount`) and resyncs slow viewers, so uWS
   * must never be the one that silently drops a frame.
   */
  wsMaxBackpressure: z.number().int().positive().default(64 * MiB),
  /** WebSocket idle timeout in seconds (uWS pings automatically); 0 disables. uWS allows up to 960. */
  idleTimeoutSec: z.number().int().min(0).max(960).default(120),
  /** Extra origins allowed to open WebSockets; the server's own origin is always allowed. */
  allowedOrigins: z.array(origin).default([]),
  /** CORS for HTTP routes: no `Access-Control-Allow-*` header is ever sent unless origins are listed. */
  cors: z.strictObject({ origins: z.array(origin).default([]) }).default({ origins: [] }),
  /**
   * Trust `X-Forwarded-For` / `-Proto` / `-Host` from a reverse proxy or tunnel in front of the agent.
   * Off by default: without a proxy those headers are whatever the client wants them to be.
   */
  trustProxy: z.boolean().default(false),
  /** Interval of the SSE keep-alive comment, which also keeps proxies from closing idle streams. */
  sseKeepAliveMs: z.number().int().min(100).default(15_000),
  /** Bytes queued per SSE stream while the client is not reading; past this the stream is dropped. */
  sseMaxQueuedBytes: z.number().int().positive().default(MiB),
});

/** Transport options after defaults (use `z.input<typeof TransportConfig>` for what users write). */
export type TransportConfig = z.output<typeof TransportConfig>;
