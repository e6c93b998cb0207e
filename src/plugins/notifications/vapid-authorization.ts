import webpush from 'web-push';
import type { VapidKeys } from './vapid-keys';

/** Lifetime of a VAPID JWT (RFC 8292 allows at most 24 h). */
const TOKEN_LIFETIME_S = 12 * 3600;
/** A cached token is replaced this long before it expires (clock skew at the push service). */
const RENEW_BEFORE_S = 3600;

/**
 * The `Authorization: vapid t=<JWT>, k=<public key>` header per push service origin, signed once
 * and reused for hours: an ES256 signature costs about three times the payload's encryption, and
 * every push to the same service may carry the same token (RFC 8292 §2).
 */
export class VapidAuthorization {
  private readonly byAudience = new Map<string, { header: string; renewAt: number }>();

  constructor(
    private readonly keys: VapidKeys,
    private readonly subject: string,
    private readonly nowSeconds: () => number,
  ) {}

  /** The header for an endpoint (its origin is the JWT's audience). */
  forEndpoint(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const now = this.nowSeconds();
    const cached = this.byAudience.get(audience);
    if (cached !== undefined && now < cached.renewAt) return cached.header;
    const expiresAt = Math.floor(now) + TOKEN_LIFETIME_S;
    const header = webpush.getVapidHeaders(audience, this.subject, this.keys.publicKey, this.keys.privateKey, 'aes128gcm', expiresAt).Authorization;
    // Few push services exist (one per browser vendor); a cap only guards against a flood of test origins.
    if (this.byAudience.size >= 64) this.byAudience.clear();
    this.byAudience.set(audience, { header, renewAt: expiresAt - RENEW_BEFORE_S });
    return header;
  }
}
