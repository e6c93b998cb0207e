import type { ApiClient } from './api-client';
import type { SessionInfo } from './session-info';

/** Options of `POST /api/sessions` that the page offers. */
export interface CreateSessionRequest {
  command?: string[];
  cwd?: string;
  name?: string;
  cols?: number;
  rows?: number;
}

/** The sessions HTTP API (docs/protocol.md §10), typed. */
export class SessionsApi {
  constructor(private readonly api: ApiClient) {}

  async list(): Promise<SessionInfo[]> {
    return (await this.api.json<{ sessions: SessionInfo[] }>('GET', '/api/sessions')).sessions;
  }

  get(id: string): Promise<SessionInfo> {
    return this.api.json('GET', `/api/sessions/${encodeURIComponent(id)}`);
  }

  create(request: CreateSessionRequest): Promise<SessionInfo> {
    return this.api.json('POST', '/api/sessions', request);
  }

  rename(id: string, name: string): Promise<SessionInfo> {
    return this.api.json('PATCH', `/api/sessions/${encodeURIComponent(id)}`, { name });
  }

  /** Running: ends the process (the session stays, exited). Exited: removes it. */
  kill(id: string): Promise<SessionInfo | undefined> {
    return this.api.json('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
  }

  /** The visible screen as text, one line per row. */
  text(id: string): Promise<string> {
    return this.api.text(`/api/sessions/${encodeURIComponent(id)}/text`);
  }
}
