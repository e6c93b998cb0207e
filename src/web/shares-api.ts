import type { ShareInfo, ShareLink } from '@tunnelforge/client';
import type { ApiClient } from './api-client';

/** Longest link the agent allows by default (`auth-api` `shareMaxMinutes`); the agent has the last word. */
export const MAX_SHARE_MINUTES = 7 * 24 * 60;

/** Read-only share links: create (once per request id), list, revoke. */
export class SharesApi {
  constructor(private readonly api: ApiClient) {}

  create(sessionId: string, expiresInMinutes: number, requestId: string): Promise<ShareLink> {
    return this.api.json<ShareLink>('POST', `/api/sessions/${encodeURIComponent(sessionId)}/share`, { expiresInMinutes, requestId });
  }

  async list(sessionId?: string): Promise<ShareInfo[]> {
    const query = sessionId === undefined ? '' : `?sessionId=${encodeURIComponent(sessionId)}`;
    return (await this.api.json<{ shares: ShareInfo[] }>('GET', `/api/shares${query}`)).shares;
  }

  revoke(id: string): Promise<void> {
    return this.api.json<void>('DELETE', `/api/shares/${encodeURIComponent(id)}`);
  }
}
