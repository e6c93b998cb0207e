import { TunnelForgeError } from '@tunnelforge/client';
import type { ApiClient } from './api-client';

/** How this agent lets people log in (`GET /api/auth/config`). */
export interface AuthConfig {
  methods: string[];
  usernameRequired: boolean;
}

/** The login methods; an agent without the route offers only tokens. */
export async function fetchAuthConfig(api: ApiClient): Promise<AuthConfig> {
  try {
    return await api.json<AuthConfig>('GET', '/api/auth/config', undefined, { auth: false });
  } catch (error) {
    if (error instanceof TunnelForgeError && error.status === 404) return { methods: [], usernameRequired: false };
    throw error;
  }
}
