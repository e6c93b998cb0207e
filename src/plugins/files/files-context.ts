import type { EventBus, Logger, Principal, SessionManager } from '../../plugin-api';
import type { DownloadLinks } from './download-links';
import type { FilesConfig } from './files-config';
import { FilesErrors } from './files-errors';
import type { Jail } from './jail';
import type { SessionUploadDirs } from './session-upload-dirs';

/** What the files routes share: the jail, config, bus and (when core-sessions runs) the sessions. */
export interface FilesContext {
  jail: Jail;
  config: FilesConfig;
  events: EventBus;
  log: Logger;
  sessions: SessionManager | undefined;
  /** Single-use download links (`…/download-link`, `GET /api/files/fetch`). */
  links: DownloadLinks;
  /** Per-session private upload directories, and the jail that confines writes to them (made on first use). */
  sessionDirs(): Promise<{ dirs: SessionUploadDirs; jail: Jail }>;
}

/** Reads are for writers and admins; viewers and share links only with `readOnlyBrowsing`. */
export function assertMayRead(principal: Principal | null, config: FilesConfig): void {
  if (principal === null || (principal.role === 'viewer' && !config.readOnlyBrowsing)) throw FilesErrors.readOff();
}
