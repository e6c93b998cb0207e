import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../../plugin-api';
import type { Jail } from './jail';

/** What a download link hands out: one file, read through the jail of the caller who asked. */
export interface DownloadGrant {
  /** The jail the caller was held in (a share link's is narrowed to its session's cwd). */
  jail: Jail;
  /** Real path of the file, resolved and checked when the link was made. */
  real: string;
  /** How error messages name the file. */
  what: string;
  /** Who asked: re-checked when the link is used (a viewer's reads may have been turned off). */
  principal: Principal;
  /** The session the path was resolved in, when it was: the link dies with the session. */
  sessionId?: string;
}

/**
 * Single-use download links: a browser can only stream a download to disk (with its own progress
 * and no copy of the file in page memory) by navigating to a URL, and the credential must not go
 * in a URL. So a caller trades its credential for a ticket valid for one file, once, for a short
 * time; the ticket alone is the URL's secret. 256 random bits; kept hashed (a map lookup by the
 * ticket itself could leak timing), expired ones dropped, the oldest dropped beyond `max`, and
 * every ticket of a revoked credential forgotten.
 */
export class DownloadLinks {
  private readonly grants = new Map<string, { grant: DownloadGrant; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  /** A new ticket for `grant`, and when it expires (epoch ms). */
  create(grant: DownloadGrant): { ticket: string; expiresAt: number } {
    this.sweep();
    // Map order is insertion order: the first key is the oldest.
    while (this.grants.size >= this.max) this.grants.delete(this.grants.keys().next().value!);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.grants.set(hash(ticket), { grant, expiresAt });
    return { ticket, expiresAt };
  }

  /** The grant of `ticket`, used up by this call; null when unknown, used or expired. */
  take(ticket: string): DownloadGrant | null {
    const key = hash(ticket);
    const entry = this.grants.get(key);
    if (entry === undefined) return null;
    this.grants.delete(key);
    return entry.expiresAt > this.now() ? entry.grant : null;
  }

  /** Drops every ticket asked for with `credential` (it was revoked). */
  forget(credential: string): void {
    for (const [key, entry] of this.grants) if (entry.grant.principal.credential === credential) this.grants.delete(key);
  }

  /** Outstanding tickets (for tests and limits). */
  get size(): number {
    return this.grants.size;
  }

  /** Drops expired tickets: every ticket lives as long, so they expire in insertion order. */
  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.grants) {
      if (entry.expiresAt > now) return;
      this.grants.delete(key);
    }
  }
}

const hash = (ticket: string): string => createHash('sha256').update(ticket).digest('hex');
