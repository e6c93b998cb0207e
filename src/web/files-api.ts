import { TunnelForgeError, type DirectoryPage, type PathCompletion, type SessionUpload } from '@tunnelforge/client';
import type { ApiClient } from './api-client';
import { uploadFiles, type UploadProgress } from './upload-files';

const query = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');

/** The files routes the page uses (docs/files.md), typed. */
export class FilesApi {
  constructor(private readonly api: ApiClient) {}

  /** Completions of a partial directory path (the cwd picker). */
  async complete(prefix: string): Promise<PathCompletion[]> {
    return (await this.api.json<{ completions: PathCompletion[] }>('GET', `/api/files/complete?${query({ prefix, type: 'directory', limit: 30 })}`)).completions;
  }

  /** A directory, relative to the session's working directory (default: that directory). */
  list(sessionId: string, path?: string, offset = 0): Promise<DirectoryPage> {
    return this.api.json('GET', `/api/sessions/${encodeURIComponent(sessionId)}/files?${query({ path, offset, limit: 500 })}`);
  }

  /**
   * Downloads a file through `fetch` (the credential is a header, never in a URL) and hands it to
   * the browser as a download under its name.
   */
  async download(sessionId: string, path: string, name: string): Promise<void> {
    const response = await this.api.fetch(`/api/sessions/${encodeURIComponent(sessionId)}/files/download?${query({ path })}`, { method: 'GET' });
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /** Uploads into the session (its quoted paths are typed into it by the agent), with progress. */
  async uploadToSession(sessionId: string, files: readonly File[], onProgress: (progress: UploadProgress) => void): Promise<SessionUpload> {
    const url = `/api/sessions/${encodeURIComponent(sessionId)}/upload`;
    try {
      return await uploadFiles<SessionUpload>(url, files, await this.api.bearer(), onProgress);
    } catch (error) {
      if (!(error instanceof TunnelForgeError) || error.status !== 401) throw error;
      // An expired login: any API call refreshes it (or sends the page to the login form); then once more.
      await this.api.json('GET', '/api/auth/me');
      return uploadFiles<SessionUpload>(url, files, await this.api.bearer(), onProgress);
    }
  }
}
