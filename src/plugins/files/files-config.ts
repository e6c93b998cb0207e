import { z } from '../../plugin-api';

const GiB = 1024 ** 3;
const KiB = 1024;

/** A root as written in config: absolute, or `~` / `~/…` (the agent user's home). */
const rootPath = z
  .string()
  .min(1)
  .refine((value) => value === '~' || value.startsWith('~/') || value.startsWith('/'), { message: 'a root must be an absolute path, "~" or "~/…"' });

/** Config slice of `files` (`plugins.files.options`). Every field has a safe default. */
export const filesConfigSchema = z.strictObject({
  /**
   * Directories the files routes may reach, with everything below them. Default: the home of the
   * user the agent runs as. Missing roots are skipped with a warning; none left fails the plugin.
   */
  roots: z.array(rootPath).min(1).default(['~']),
  /**
   * Let viewers (and share links, on their session's routes, below its working directory) list,
   * stat, complete, preview and download. Off: they read nothing, only writers and admins do.
   */
  readOnlyBrowsing: z.boolean().default(false),
  /** `DELETE /api/files` for writers; `false` answers it 403 `TF_ERR_DELETE_DISABLED`. */
  allowDelete: z.boolean().default(true),
  /**
   * Largest upload request in bytes: its files together plus the form's framing (a few hundred
   * bytes per file). 413 `TF_ERR_PAYLOAD_TOO_LARGE` beyond it, and nothing is kept.
   */
  maxUploadBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(2 * GiB),
  /** Most files in one upload request. */
  maxFilesPerUpload: z.number().int().min(1).max(1000).default(100),
  /** Most bytes of a file read for `GET /api/files/preview` (text beyond it is cut, `truncated: true`). */
  previewMaxBytes: z.number().int().min(KiB).max(16 * 1024 * KiB).default(256 * KiB),
  /**
   * Read (download, preview) files that have other hard links. Off by default: a hard link inside a
   * root may be another name of a file outside it (`/etc/…`), and nothing tells the two apart.
   */
  allowHardlinkedReads: z.boolean().default(false),
  /**
   * Where `POST /api/sessions/:id/upload` stores files when the request names no `dir`: `private`, a
   * per-session directory (mode 0700) in the system temp dir, removed with the session; `cwd`, the
   * session's working directory (which must be inside a root).
   */
  sessionUploads: z.enum(['private', 'cwd']).default('private'),
  /**
   * Lifetime of a single-use download link (`POST /api/files/download-link`), in seconds: long
   * enough for a browser to start the download right after asking, short enough that a copied
   * link is useless.
   */
  downloadLinkTtlSeconds: z.number().int().min(1).max(3600).default(60),
});

/** Validated config of `files`. */
export type FilesConfig = z.output<typeof filesConfigSchema>;
