import { TunnelForgeError, type DirectoryPage, type DownloadLink, type PathCompletion, type SessionUpload } from '@tunnelforge/client';
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
   * Starts a browser download of a file. The page asks for a single-use link (its credential stays
   * a header, never in a URL) and points a download anchor at it: the browser streams the file to
   * disk with its own progress, where `fetch` would have held the whole file in the page first.
   */
  async download(sessionId: string, path: string, name: string): Promise<void> {
    const link = await this.api.json<DownloadLink>('POST', `/api/sessions/${encodeURIComponent(sessionId)}/files/download-link`, { path });
    const anchor = document.createElement('a');
    anchor.href = this.api.urlOf(link.url);
    anchor.download = name;
    anchor.rel = 'noopener';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
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
