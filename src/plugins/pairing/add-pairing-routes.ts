import { HttpError, z, type AgentInfo, type AuditLog, type Disposable, type HttpRoutes, type Logger, type TunnelProvider } from '../../plugin-api';
import type { ApiTokens } from '../shared/api-tokens';
import type { ClaimLimiter } from './claim-limiter';
import type { PairingCodes } from './pairing-codes';
import { qrSvg, qrTerminal } from './pairing-qr';
import { pairingLink, pairingUrls } from './pairing-urls';

const role = z.enum(['admin', 'writer', 'viewer']);
const NO_STORE = { 'cache-control': 'no-store' };

export interface PairingRouteDeps {
  codes: PairingCodes;
  limiter: ClaimLimiter;
  tokens: ApiTokens;
  tunnels: readonly TunnelProvider[];
  agent: AgentInfo;
  audit: AuditLog | undefined;
  log: Logger;
  config: { codeTtlMinutes: number; publicUrl?: string; tokenTtlDays?: number };
}

const REASONS = {
  unknown: 'This pairing code is not valid; check it, or ask for a new one',
  used: 'This pairing code was already used; ask for a new one',
  expired: 'This pairing code has expired; ask for a new one',
} as const;

/**
 * `POST /api/pairing` (admin): a one-time code, its links and QR codes. `POST /api/pairing/claim`
 * (public: the code is the credential): trade the code for an API token of the code's role, named
 * after the device, listed and revoked like any token. Failed claims are rate limited per address
 * and agent-wide; reaching the agent-wide limit voids every outstanding code.
 */
export function addPairingRoutes(http: HttpRoutes, deps: PairingRouteDeps): Disposable {
  const link = z.object({ url: z.string(), source: z.string(), link: z.string() });
  const routes = [
    http.add({
      method: 'POST',
      path: '/api/pairing',
      access: 'admin',
      maxBodyBytes: 4096,
      schema: {
        body: z
          .strictObject({
            role: role.default('writer').describe('Role of the token the device receives'),
            name: z.string().trim().min(1).max(60).optional().describe('Suggested device name (the device may choose its own)'),
            url: z.string().max(2048).optional().describe('Which of the agent URLs the QR code holds (default: the first)'),
          })
          .default({ role: 'writer' }),
        response: z.object({
          code: z.string(),
          role,
          name: z.string().nullable(),
          expiresAt: z.string(),
          links: z.array(link),
          qr: z.object({ link: z.string(), svg: z.string(), text: z.string() }),
        }),
      },
      doc: {
        summary: 'Issue a one-time pairing code with its links and QR code (for a phone or tablet to claim an API token)',
        tags: ['pairing'],
        status: 201,
        errors: { 400: 'url is not one of the agent URLs (TF_ERR_BAD_REQUEST)', 503: 'API tokens are not available (TF_ERR_UNAVAILABLE)' },
      },
      handler(request) {
        const { role: tokenRole, name, url } = request.body;
        const urls = pairingUrls({ publicUrl: deps.config.publicUrl, tunnels: deps.tunnels, host: deps.agent.host, port: deps.agent.port, localUrl: deps.agent.localUrl() });
        const chosen = url === undefined ? urls[0] : urls.find((u) => u.url === url.replace(/\/+$/, ''));
        if (chosen === undefined) throw new HttpError(400, 'TF_ERR_BAD_REQUEST', `url must be one of: ${urls.map((u) => u.url).join(', ') || 'none (the agent is not listening)'}`);
        const issued = deps.codes.issue({ role: tokenRole, name: name ?? '', ttlMs: deps.config.codeTtlMinutes * 60_000, issuedBy: request.principal!.id });
        const links = urls.map((u) => ({ ...u, link: pairingLink(u.url, issued.code) }));
        const qrLink = pairingLink(chosen.url, issued.code);
        deps.audit?.record({ action: 'pairing.issue', by: request.principal, details: { role: tokenRole, name: name ?? null, expiresAt: new Date(issued.expiresAt).toISOString() } });
        return {
          status: 201,
          json: { code: issued.code, role: tokenRole, name: name ?? null, expiresAt: new Date(issued.expiresAt).toISOString(), links, qr: { link: qrLink, svg: qrSvg(qrLink), text: qrTerminal(qrLink) } },
          headers: NO_STORE,
        };
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/pairing/claim',
      access: 'public',
      maxBodyBytes: 1024,
      schema: {
        body: z.strictObject({
          code: z.string().min(1).max(32).describe('The pairing code, e.g. ABCD-EFGH (case and dashes do not matter)'),
          deviceName: z.string().trim().min(1).max(60).describe('What this device is called in the token list'),
        }),
        response: z.object({ id: z.string(), name: z.string(), role, createdAt: z.string(), expiresAt: z.string().nullable(), token: z.string() }),
      },
      doc: {
        summary: 'Claim a pairing code: answers an API token with the code\'s role (shown once). Public; rate limited',
        tags: ['pairing'],
        status: 201,
        errors: {
          401: 'Unknown, used or expired code (TF_ERR_BAD_PAIRING_CODE)',
          429: 'Too many failed claims (TF_ERR_RATE_LIMITED, Retry-After)',
          503: 'API tokens are not available (TF_ERR_UNAVAILABLE)',
        },
      },
      async handler(request) {
        const address = request.remoteAddress;
        const wait = deps.limiter.retryAfter(address);
        if (wait > 0) {
          const seconds = Math.max(1, Math.ceil(wait / 1000));
          throw new HttpError(429, 'TF_ERR_RATE_LIMITED', `Too many failed pairing attempts; try again in ${seconds} s`, undefined, { 'retry-after': String(seconds), ...NO_STORE });
        }
        const claim = deps.codes.claim(request.body.code);
        if (!claim.ok) {
          if (deps.limiter.fail(address)) {
            const voided = deps.codes.voidAll();
            if (voided > 0) deps.log.warn('too many failed pairing claims: every outstanding pairing code is void; issue a new one', { voided });
          }
          deps.audit?.record({ action: 'pairing.claim', outcome: 'failure', by: null, address, details: { reason: claim.reason } });
          throw new HttpError(401, 'TF_ERR_BAD_PAIRING_CODE', REASONS[claim.reason], undefined, NO_STORE);
        }
        const ttlDays = deps.config.tokenTtlDays;
        const created = await deps.tokens.create({
          name: `${request.body.deviceName} (paired)`.slice(0, 100),
          role: claim.role,
          expiresInMs: ttlDays === undefined ? null : ttlDays * 86_400_000,
        });
        deps.audit?.record({ action: 'pairing.claim', by: null, target: created.info.id, address, details: { deviceName: request.body.deviceName, role: claim.role, issuedBy: claim.issuedBy } });
        deps.log.info('device paired', { token: created.info.id, role: claim.role, address });
        return { status: 201, json: { ...created.info, token: created.token }, headers: NO_STORE };
      },
    }),
  ];
  return { dispose: () => routes.forEach((route) => route.dispose()) };
}
