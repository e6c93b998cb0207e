import { defineEvent } from './define-event';
import type { Actor } from './events';

/** What every `files.*` event carries: who made the change (always set: every change is a request). */
export interface FileEventBase {
  /** The principal whose request made the change. */
  by: Actor | null;
}

/** A file was uploaded and is in place under `path` (`sessionId`: uploaded into that session, its path typed there). */
export const FileUploaded = defineEvent<FileEventBase & { path: string; size: number; sessionId: string | null }>('files.uploaded');
/** A directory was created. */
export const DirectoryCreated = defineEvent<FileEventBase & { path: string }>('files.directory-created');
/** An entry was renamed or moved from `from` to `to`. */
export const FileRenamed = defineEvent<FileEventBase & { from: string; to: string }>('files.renamed');
/** An entry was deleted (`recursive`: a directory with its contents). */
export const FileDeleted = defineEvent<FileEventBase & { path: string; type: 'file' | 'directory' | 'symlink' | 'other'; recursive: boolean }>('files.deleted');
