import { createHash } from 'node:crypto';
import type { Role } from '../../plugin-api';
import { newPairingCode, normalizePairingCode } from './pairing-code';

/** An outstanding code (kept by the SHA-256 of its canonical form, never as typed). */
interface Pending {
  role: Role;
  name: string;
  expiresAt: number;
  issuedBy: string;
  /** Set once claimed: later claims of the same code are told so. */
  usedAt: number | null;
}

export type ClaimResult =
  | { ok: true; role: Role; name: string; issuedBy: string }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** How long a used or expired code is remembered (to answer "already used" rather than "unknown"). */
const REMEMBER_MS = 60 * 60_000;
const MAX_OUTSTANDING = 100;

const hash = (canonical: string) => createHash('sha256').update(canonical).digest('hex');

/**
 * One-time pairing codes, in memory: they live minutes, and a restart simply voids them. A claim
 * uses the code up in the same synchronous step that checks it, so two concurrent claims of one
 * code cannot both succeed.
 */
export class PairingCodes {
  private readonly codes = new Map<string, Pending>();

  constructor(private readonly now: () => number) {}

  issue(options: { role: Role; name: string; ttlMs: number; issuedBy: string }): { code: string; expiresAt: number } {
    this.sweep();
    if (this.codes.size >= MAX_OUTSTANDING) this.codes.delete(this.codes.keys().next().value as string);
    const code = newPairingCode();
    const expiresAt = this.now() + options.ttlMs;
    this.codes.set(hash(normalizePairingCode(code) as string), { role: options.role, name: options.name, expiresAt, issuedBy: options.issuedBy, usedAt: null });
    return { code, expiresAt };
  }

  claim(input: string): ClaimResult {
    const canonical = normalizePairingCode(input);
    const pending = canonical === null ? undefined : this.codes.get(hash(canonical));
    if (pending === undefined) return { ok: false, reason: 'unknown' };
    if (pending.usedAt !== null) return { ok: false, reason: 'used' };
    if (pending.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    pending.usedAt = this.now();
    return { ok: true, role: pending.role, name: pending.name, issuedBy: pending.issuedBy };
  }

  /** Void every outstanding code (the claim limit was hit: someone may be guessing). */
  voidAll(): number {
    let voided = 0;
    for (const pending of this.codes.values()) {
      if (pending.usedAt === null && pending.expiresAt > this.now()) {
        pending.expiresAt = this.now();
        voided++;
      }
    }
    return voided;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, pending] of this.codes) if (Math.max(pending.expiresAt, pending.usedAt ?? 0) + REMEMBER_MS <= now) this.codes.delete(key);
  }
}
