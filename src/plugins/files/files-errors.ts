import { HttpError } from '../../plugin-api';

/**
 * The files plugin's refusals, one function per code (listed in docs/errors.md), so each code is
 * written once and its status cannot drift between routes.
 */
export const FilesErrors = {
  /** The path text itself is refused: `..`, NUL, backslash, control or look-alike characters, encoded dots, too long, relative. */
  badPath: (message: string) => new HttpError(400, 'TF_ERR_BAD_PATH', message),
  /** A file name (an upload's, a new entry's) that is empty, `.`/`..` or otherwise unusable. */
  badName: (message: string) => new HttpError(400, 'TF_ERR_BAD_NAME', message),
  outsideRoots: (what: string) => new HttpError(403, 'TF_ERR_OUTSIDE_ROOTS', `${what} is outside the configured roots (plugins.files.options.roots)`),
  symlinkEscape: (what: string) => new HttpError(403, 'TF_ERR_SYMLINK_ESCAPE', `${what} leads out of the configured roots through a symbolic link`),
  hardlinkRefused: () => new HttpError(403, 'TF_ERR_HARDLINK_REFUSED', 'The file has other hard links, which may lie outside the roots; reading it is refused (plugins.files.options.allowHardlinkedReads)'),
  denied: () => new HttpError(403, 'TF_ERR_PATH_DENIED', "The agent's data directory (credentials, tokens) is never served or changed"),
  notFound: (what: string) => new HttpError(404, 'TF_ERR_FILE_NOT_FOUND', `${what} does not exist`),
  notADirectory: (what: string) => new HttpError(400, 'TF_ERR_NOT_A_DIRECTORY', `${what} is not a directory`),
  notAFile: (what: string) => new HttpError(400, 'TF_ERR_NOT_A_FILE', `${what} is not a regular file`),
  exists: (what: string) => new HttpError(409, 'TF_ERR_FILE_EXISTS', `${what} already exists (ask for overwrite to replace it)`),
  notEmpty: (what: string) => new HttpError(409, 'TF_ERR_DIRECTORY_NOT_EMPTY', `${what} is not empty (ask for recursive to delete it with its contents)`),
  crossDevice: () => new HttpError(409, 'TF_ERR_CROSS_DEVICE', 'Source and destination are on different file systems; move it in a terminal instead'),
  badUpload: (message: string) => new HttpError(400, 'TF_ERR_BAD_UPLOAD', message),
  tooLarge: (limit: number) => new HttpError(413, 'TF_ERR_PAYLOAD_TOO_LARGE', `A file exceeds the upload limit of ${limit} bytes (plugins.files.options.maxUploadBytes)`),
  noSpace: () => new HttpError(507, 'TF_ERR_INSUFFICIENT_STORAGE', 'The disk is full (or the quota is used up); nothing was kept'),
  permission: (what: string) => new HttpError(403, 'TF_ERR_FS_PERMISSION', `The operating system refused access to ${what}`),
  deleteDisabled: () => new HttpError(403, 'TF_ERR_DELETE_DISABLED', 'Deleting files is turned off (plugins.files.options.allowDelete)'),
  linkNotFound: () => new HttpError(404, 'TF_ERR_LINK_NOT_FOUND', 'This download link is unknown, already used or expired; ask for a new one'),
  readOff: () => new HttpError(403, 'TF_ERR_FORBIDDEN', 'Viewers and share links may not read files on this agent (plugins.files.options.readOnlyBrowsing is off)'),
  rootProtected: () => new HttpError(403, 'TF_ERR_PATH_DENIED', 'A configured root cannot be renamed or deleted'),
} as const;

/** Node's errno code of a file system error, if it has one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A file system error turned into the answer it deserves; `what` names the path for the message.
 * Errors that are already HTTP errors pass through; an unexpected errno is rethrown as is (the
 * transport logs it and answers 500 without internals).
 */
export function fsError(error: unknown, what: string): unknown {
  if (error instanceof HttpError) return error;
  switch (errnoOf(error)) {
    case 'ENOENT':
      return FilesErrors.notFound(what);
    case 'ENOTDIR':
      return FilesErrors.notADirectory(what);
    case 'EISDIR':
      return FilesErrors.notAFile(what);
    case 'EEXIST':
      return FilesErrors.exists(what);
    case 'ENOTEMPTY':
      return FilesErrors.notEmpty(what);
    case 'ELOOP':
      return FilesErrors.symlinkEscape(what);
    case 'ENAMETOOLONG':
      return FilesErrors.badPath(`${what}: the name is too long for the file system`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return FilesErrors.permission(what);
    case 'ENOSPC':
    case 'EDQUOT':
      return FilesErrors.noSpace();
    case 'EXDEV':
      return FilesErrors.crossDevice();
    case 'EINVAL':
      return FilesErrors.badName(`${what}: the operating system refuses this (a directory moved into itself?)`);
    default:
      return error;
  }
}
