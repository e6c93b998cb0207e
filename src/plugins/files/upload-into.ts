import type { Readable } from 'node:stream';
import { commitUploads, type CommitMode, type CommittedFile } from './commit-uploads';
import type { FilesConfig } from './files-config';
import type { Jail } from './jail';
import { receiveUploads } from './receive-uploads';

/**
 * One upload request into the real directory `dir`: the directory is opened and verified, the form
 * streamed into temp files there, then each gets its name (`mode`). Nothing of a failed upload stays.
 */
export async function uploadInto(
  jail: Jail,
  dir: string,
  body: Readable,
  contentType: string,
  config: FilesConfig,
  options: { mode: CommitMode; fileMode: number; what: string },
): Promise<CommittedFile[]> {
  const opened = await jail.openDirectory(dir, options.what);
  try {
    const received = await receiveUploads(body, opened, {
      contentType,
      maxFiles: config.maxFilesPerUpload,
      maxFileBytes: config.maxUploadBytes,
      mode: options.fileMode,
      refuseExisting: options.mode === 'refuse',
    });
    return await commitUploads(opened, received, options.mode);
  } finally {
    await opened.close();
  }
}
