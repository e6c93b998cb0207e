import { TunnelForgeError } from '@tunnelforge/client';

/** How far an upload is. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * POSTs `files` as `multipart/form-data` (one `file` part each) to `url` with XMLHttpRequest, the
 * one browser API that reports upload progress (fetch cannot, over HTTP/1.1). Resolves with the
 * JSON answer; rejects with a `TunnelForgeError` carrying the agent's code, message and status,
 * or `TF_ERR_CLIENT` when the connection broke (the agent then keeps nothing of the upload).
 */
export function uploadFiles<T>(url: string, files: readonly File[], authorization: string | null, onProgress: (progress: UploadProgress) => void): Promise<T> {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (authorization !== null) xhr.setRequestHeader('authorization', authorization);
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    });
    xhr.addEventListener('load', () => {
      let body: { error?: { code?: string; message?: string } } | undefined;
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON: described by the status below
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      reject(new TunnelForgeError(body?.error?.code ?? `HTTP_${xhr.status}`, body?.error?.message ?? `The agent answered ${xhr.status} ${xhr.statusText}`, xhr.status));
    });
    xhr.addEventListener('error', () => reject(new TunnelForgeError('TF_ERR_CLIENT', 'The connection to the agent broke during the upload; nothing was kept')));
    xhr.addEventListener('abort', () => reject(new TunnelForgeError('TF_ERR_CLIENT', 'The upload was cancelled; nothing was kept')));
    xhr.send(form);
  });
}
