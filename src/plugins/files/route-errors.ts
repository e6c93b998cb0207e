/**
 * The error statuses of the files routes as OpenAPI documents them (`doc.errors`): the codes in
 * each text become the enum of that response. Built from the few sets the routes share.
 */
const PATH = 'Malformed path: "..", NUL, backslash, control or look-alike characters, encoded dots, too long, relative (TF_ERR_BAD_PATH)';
const DENIED = 'Outside the roots (TF_ERR_OUTSIDE_ROOTS), out through a symbolic link (TF_ERR_SYMLINK_ESCAPE), the agent data dir (TF_ERR_PATH_DENIED), refused by the OS (TF_ERR_FS_PERMISSION), or a viewer without readOnlyBrowsing (TF_ERR_FORBIDDEN)';
const MISSING = 'No such file or directory (TF_ERR_FILE_NOT_FOUND)';

export const RouteErrors = {
  read: { 400: `${PATH}; not a directory (TF_ERR_NOT_A_DIRECTORY)`, 403: DENIED, 404: MISSING },
  file: {
    400: `${PATH}; not a regular file (TF_ERR_NOT_A_FILE)`,
    403: `${DENIED}; a file with other hard links (TF_ERR_HARDLINK_REFUSED)`,
    404: MISSING,
  },
  /** Asking for a download link: a download's refusals, or too many links outstanding. */
  link: {
    400: `${PATH}; not a regular file (TF_ERR_NOT_A_FILE)`,
    403: `${DENIED}; a file with other hard links (TF_ERR_HARDLINK_REFUSED)`,
    404: MISSING,
    429: 'Too many unused download links on this agent; use or let some expire first (TF_ERR_RATE_LIMITED)',
  },
  upload: {
    400: `${PATH}; a bad file name (TF_ERR_BAD_NAME); a malformed form, no file, too many files (TF_ERR_BAD_UPLOAD); not a directory (TF_ERR_NOT_A_DIRECTORY)`,
    403: DENIED,
    404: MISSING,
    409: 'A file of that name exists and overwrite was not asked for (TF_ERR_FILE_EXISTS)',
    413: 'A file or the body exceeds plugins.files.options.maxUploadBytes (TF_ERR_PAYLOAD_TOO_LARGE)',
    507: 'The disk is full; nothing was kept (TF_ERR_INSUFFICIENT_STORAGE)',
  },
  write: {
    400: `${PATH}; not a directory (TF_ERR_NOT_A_DIRECTORY)`,
    403: `${DENIED}; a root itself (TF_ERR_PATH_DENIED)`,
    404: MISSING,
    409: 'The name exists (TF_ERR_FILE_EXISTS), a directory is not empty (TF_ERR_DIRECTORY_NOT_EMPTY), or another file system (TF_ERR_CROSS_DEVICE)',
    507: 'The disk is full (TF_ERR_INSUFFICIENT_STORAGE)',
  },
} as const;
