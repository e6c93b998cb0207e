import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { HttpError, type Logger, type Role } from '../../plugin-api';
import type { AuthTokens, IssuedSession, IssuedShare, ShareInfo } from '../shared/auth-tokens';
import { constantTimeEqual } from '../shared/constant-time-equal';
import { ensureSecretFile } from '../shared/ensure-secret-file';
import { sha256Hex } from '../shared/sha256-hex';
import type { AuthJwtConfig } from './auth-jwt-config';
import type { FamilyRecord } from './auth-state';
import { AuthStateStore } from './auth-state-store';
import { ACCESS_AUDIENCE, ISSUER, SHARE_AUDIENCE } from './jwt-claims';
import { formatRefreshToken, parseRefreshToken } from './refresh-token';
import type { VerifiedToken } from './verified-token';

const ROLES: readonly string[] = ['admin', 'writer', 'viewer'];
/** Swapped refresh tokens remembered per family for theft detection. */
const USED_HASHES_KEPT = 20;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43,}$/;

const newId = (): string => randomBytes(16).toString('hex');
/** `Principal.credential` of the access tokens of one login session, and of one share link. */
const loginCredential = (familyId: string): string => `login:${familyId}`;
const shareCredential = (shareId: string): string => `share:${shareId}`;
const iso = (ms: number): string => new Date(ms).toISOString();

function badRefresh(message = 'The refresh token is not valid'): HttpError {
  return new HttpError(401, 'TF_ERR_BAD_TOKEN', message);
}

/**
 * `AuthTokens` on HS256 JWTs (jose) with the signing key in `<dataDir>/jwt-secret` (0600, made once,
 * so tokens survive restarts) and login sessions, shares and revocations in `<dataDir>/auth-state.json`.
 *
 * An access token is valid only while its login session ("family") exists and is not revoked, and
 * a share token only while its share exists: deleting the state file logs everyone out instead of
 * reviving revoked tokens.
 */
export class JwtTokenService implements AuthTokens {
  private key: Uint8Array | null = null;
  private store: AuthStateStore | null = null;
  private log: Logger | null = null;
  private now: () => number = () => Date.now();
  private onRevoked: (credential: string, reason: string) => void = () => undefined;

  constructor(private readonly config: AuthJwtConfig) {}

  /**
   * Load (or create) the signing key and the state. Called by the plugin's `activate`; `now` is the
   * agent's clock; `onRevoked` hears of every login session and share that ends before its time
   * (with the `Principal.credential` id it admitted), so open connections can be closed.
   */
  async open(dataDir: string, log: Logger, now: () => number, onRevoked?: (credential: string, reason: string) => void): Promise<void> {
    this.log = log;
    this.now = now;
    if (onRevoked) this.onRevoked = onRevoked;
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // Not changed behind the owner's back (it may be a folder they chose), but said loudly.
    if (process.platform !== 'win32' && ((await stat(dataDir)).mode & 0o077) !== 0) {
      log.warn('the data dir can be read by other users; its secret files are 0600, but make it private with chmod 700', { dir: dataDir });
    }
    const secretFile = path.join(dataDir, 'jwt-secret');
    const secret = await ensureSecretFile(secretFile, () => randomBytes(32).toString('base64url'), (value) => SECRET_PATTERN.test(value));
    if (secret.tightened) log.warn('JWT signing key file was readable by others; reset its mode to 0600', { file: secretFile });
    if (secret.created) log.info('created the JWT signing key', { file: secretFile });
    const store = new AuthStateStore(path.join(dataDir, 'auth-state.json'), this.now, this.config.accessTokenTtlSeconds * 1000);
    await store.load();
    this.key = Buffer.from(secret.value, 'base64url');
    this.store = store;
  }

  /** Forget the key: every token is refused from now on. */
  close(): void {
    this.key = null;
    this.store = null;
  }

  async issueSession(user: { id: string; role: Role; version?: string }): Promise<IssuedSession> {
    const { store } = this.ready();
    const now = this.now();
    const familyId = newId();
    const refresh = formatRefreshToken(familyId);
    const family: FamilyRecord = { sub: user.id, role: user.role, hash: sha256Hex(refresh.secret), used: [], createdAt: now, expiresAt: this.refreshExpiry(now, now), revokedAt: null };
    if (user.version !== undefined) family.version = user.version;
    await store.mutate((state) => {
      state.families[familyId] = family;
    });
    return this.sessionTokens(familyId, family, refresh.token);
  }

  async refresh(refreshToken: string): Promise<IssuedSession> {
    const { store } = this.ready();
    const parts = parseRefreshToken(refreshToken);
    if (parts === null) throw badRefresh();
    const now = this.now();
    const family = store.current.families[parts.familyId];
    if (family === undefined || family.revokedAt !== null) throw badRefresh('The login session has ended; log in again');
    if (family.expiresAt <= now) throw badRefresh('The refresh token has expired; log in again');
    const hash = sha256Hex(parts.secret);
    if (constantTimeEqual(hash, family.hash)) {
      // Check and rotation happen in one synchronous step: a second use of this token, even a
      // concurrent one, finds it among the used hashes.
      const next = formatRefreshToken(parts.familyId);
      const written = store.mutate((state) => {
        const record = state.families[parts.familyId];
        record.used = [...record.used, record.hash].slice(-USED_HASHES_KEPT);
        record.hash = sha256Hex(next.secret);
        record.expiresAt = this.refreshExpiry(record.createdAt, now);
      });
      await written;
      return this.sessionTokens(parts.familyId, store.current.families[parts.familyId], next.token);
    }
    if (family.used.some((used) => constantTimeEqual(used, hash))) {
      await store.mutate((state) => {
        state.families[parts.familyId].revokedAt = now;
      });
      this.log?.warn('a refresh token was used twice; the login session is revoked (a copy of the token may be in other hands)', { user: family.sub });
      this.onRevoked(loginCredential(parts.familyId), 'refresh token reused');
      throw new HttpError(401, 'TF_ERR_TOKEN_REUSED', 'This refresh token was already used; the login session is revoked. Log in again');
    }
    throw badRefresh();
  }

  async logout(accessToken: string): Promise<boolean> {
    const { store } = this.ready();
    const verified = await this.verify(accessToken);
    if (!verified.ok || verified.audience !== 'access') return false;
    const { jti, familyId, expiresAtMs } = verified;
    const now = this.now();
    await store.mutate((state) => {
      state.revoked[jti] = expiresAtMs;
      const family = familyId === null ? undefined : state.families[familyId];
      if (family !== undefined && family.revokedAt === null) family.revokedAt = now;
    });
    if (familyId !== null) this.onRevoked(loginCredential(familyId), 'logout');
    return true;
  }

  async endSessionsWhere(reject: (user: { id: string; role: Role; version: string | undefined }) => boolean): Promise<number> {
    const { store } = this.ready();
    const now = this.now();
    const ended = Object.entries(store.current.families)
      .filter(([, family]) => family.revokedAt === null && reject({ id: family.sub, role: family.role, version: family.version }))
      .map(([id]) => id);
    if (ended.length === 0) return 0;
    await store.mutate((state) => {
      for (const id of ended) state.families[id].revokedAt = now;
    });
    for (const id of ended) this.onRevoked(loginCredential(id), 'user changed');
    return ended.length;
  }

  async issueShare(sessionId: string, createdBy: string, ttlMs: number): Promise<IssuedShare> {
    const { store, key } = this.ready();
    const now = this.now();
    const id = newId();
    const expiresAt = now + ttlMs;
    await store.mutate((state) => {
      state.shares[id] = { sessionId, createdBy, createdAt: now, expiresAt };
    });
    const token = await new SignJWT({ role: 'viewer', sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(SHARE_AUDIENCE)
      .setSubject(`share:${id}`)
      .setJti(id)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(key);
    return { id, token, expiresAt: iso(Math.floor(expiresAt / 1000) * 1000) };
  }

  async listShares(): Promise<ShareInfo[]> {
    const { store } = this.ready();
    const now = this.now();
    return Object.entries(store.current.shares)
      .filter(([, share]) => share.expiresAt > now)
      .sort(([, a], [, b]) => a.createdAt - b.createdAt)
      // expiresAt in whole seconds, as the token and the create answer say it.
      .map(([id, share]) => ({ id, sessionId: share.sessionId, createdBy: share.createdBy, createdAt: iso(share.createdAt), expiresAt: iso(Math.floor(share.expiresAt / 1000) * 1000) }));
  }

  async revokeShare(id: string): Promise<boolean> {
    const { store } = this.ready();
    const share = Object.hasOwn(store.current.shares, id) ? store.current.shares[id] : undefined;
    if (share === undefined || share.expiresAt <= this.now()) return false;
    await store.mutate((state) => {
      delete state.shares[id];
      state.revoked[id] = share.expiresAt;
    });
    this.onRevoked(shareCredential(id), 'share revoked');
    return true;
  }

  /**
   * Check a JWT: HS256 only, our issuer, an access or share audience, not expired, and still backed
   * by a live login session or share. Never throws.
   */
  async verify(token: string): Promise<VerifiedToken> {
    const key = this.key;
    const store = this.store;
    if (key === null || store === null) return { ok: false, code: 'TF_ERR_BAD_TOKEN', message: 'Token service is not running' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: [ACCESS_AUDIENCE, SHARE_AUDIENCE],
        requiredClaims: ['jti', 'sub', 'exp', 'iat'],
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      // By code, not class: the error classes of another copy of jose would not match instanceof.
      if ((error as { code?: unknown })?.code === 'ERR_JWT_EXPIRED') return { ok: false, code: 'TF_ERR_TOKEN_EXPIRED', message: 'The access token has expired' };
      return { ok: false, code: 'TF_ERR_BAD_TOKEN', message: 'The access token is not valid' };
    }
    const { jti, sub, exp, role } = payload as JWTPayload & { role?: unknown };
    const audience = payload.aud === SHARE_AUDIENCE || (Array.isArray(payload.aud) && payload.aud.includes(SHARE_AUDIENCE)) ? 'share' : 'access';
    if (typeof jti !== 'string' || typeof sub !== 'string' || typeof exp !== 'number' || typeof role !== 'string' || !ROLES.includes(role)) {
      return { ok: false, code: 'TF_ERR_BAD_TOKEN', message: 'The access token is not valid' };
    }
    const state = store.current;
    if (Object.hasOwn(state.revoked, jti)) return { ok: false, code: 'TF_ERR_TOKEN_REVOKED', message: 'The token has been revoked' };
    const expiresAtMs = exp * 1000;
    const principal = { id: sub, role: role as Role, via: 'auth-jwt', expiresAt: iso(expiresAtMs) };
    if (audience === 'share') {
      const sid = (payload as { sid?: unknown }).sid;
      const share = Object.hasOwn(state.shares, jti) ? state.shares[jti] : undefined;
      if (typeof sid !== 'string' || role !== 'viewer') return { ok: false, code: 'TF_ERR_BAD_TOKEN', message: 'The share token is not valid' };
      if (share === undefined || share.sessionId !== sid) return { ok: false, code: 'TF_ERR_TOKEN_REVOKED', message: 'The share link has been revoked' };
      return { ok: true, principal: { ...principal, sessionId: sid, credential: shareCredential(jti) }, jti, familyId: null, expiresAtMs, audience };
    }
    const familyId = (payload as { fam?: unknown }).fam;
    const family = typeof familyId === 'string' && Object.hasOwn(state.families, familyId) ? state.families[familyId] : undefined;
    if (typeof familyId !== 'string' || family === undefined || family.revokedAt !== null) {
      return { ok: false, code: 'TF_ERR_TOKEN_REVOKED', message: 'The login session has ended' };
    }
    return { ok: true, principal: { ...principal, credential: loginCredential(familyId) }, jti, familyId, expiresAtMs, audience };
  }

  private async sessionTokens(familyId: string, family: FamilyRecord, refreshToken: string): Promise<IssuedSession> {
    const { key } = this.ready();
    const now = this.now();
    // Whole seconds, as in the token, so `expiresAt` is exactly what the token says.
    const exp = Math.floor(now / 1000) + this.config.accessTokenTtlSeconds;
    const token = await new SignJWT({ role: family.role, fam: familyId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setSubject(family.sub)
      .setJti(newId())
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .sign(key);
    return { token, expiresAt: iso(exp * 1000), refreshToken, refreshExpiresAt: iso(family.expiresAt), user: { id: family.sub, role: family.role } };
  }

  /** A refresh token made at `now` for a family started at `createdAt` expires at the sooner of its TTL and the session's maximum age. */
  private refreshExpiry(createdAt: number, now: number): number {
    return Math.min(now + this.config.refreshTokenTtlSeconds * 1000, createdAt + this.config.sessionMaxAgeSeconds * 1000);
  }

  private ready(): { key: Uint8Array; store: AuthStateStore } {
    if (this.key === null || this.store === null) throw new HttpError(503, 'TF_ERR_UNAVAILABLE', 'The token service is not running');
    return { key: this.key, store: this.store };
  }
}
