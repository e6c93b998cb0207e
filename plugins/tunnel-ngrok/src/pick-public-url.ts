interface ApiTunnel {
  public_url?: unknown;
  proto?: unknown;
}

/** The public URL from ngrok's `GET /api/tunnels` answer: the https tunnel if there is one, else the first. */
export function pickPublicUrl(body: unknown): string | null {
  const tunnels = (body as { tunnels?: unknown } | null)?.tunnels;
  if (!Array.isArray(tunnels)) return null;
  const urls = (tunnels as ApiTunnel[]).filter((t) => typeof t?.public_url === 'string' && /^https?:\/\//.test(t.public_url as string));
  const https = urls.find((t) => t.proto === 'https' || (t.public_url as string).startsWith('https://'));
  return ((https ?? urls[0])?.public_url as string | undefined) ?? null;
}
