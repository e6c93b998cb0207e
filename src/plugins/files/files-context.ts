import type { EventBus, Logger, Principal, SessionManager } from '../../plugin-api';
import type { SingleUseTickets } from '../shared/single-use-tickets';
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
  links: SingleUseTickets<DownloadGrant>;
  /** Per-session private upload directories, and the jail that confines writes to them (made on first use). */
  sessionDirs(): Promise<{ dirs: SessionUploadDirs; jail: Jail }>;
}

/** What a download link stands for: one file, read through the jail of the caller who asked. */
export interface DownloadGrant {
  /** The jail the caller was held in (a share link's is narrowed to its session's cwd). */
  jail: Jail;
  /** Real path of the file, resolved and checked when the link was made. */
  real: string;
  /** How error messages name the file. */
  what: string;
  /** Who asked: re-checked when the link is used (a viewer's reads may have been turned off). */
  principal: Principal;
  /** The session the path was resolved in, when it was: the link dies with the session. */
  sessionId?: string;
}

/** Reads are for writers and admins; viewers and share links only with `readOnlyBrowsing`. */
export function assertMayRead(principal: Principal | null, config: FilesConfig): void {
  if (principal === null || (principal.role === 'viewer' && !config.readOnlyBrowsing)) throw FilesErrors.readOff();
}
