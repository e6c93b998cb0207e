import { z } from '../../plugin-api';
import { fileEntrySchema } from './file-entry';

/** `?path=`: absolute, or `~/…`. Checked by the jail, not here, so every refusal has its own code. */
export const pathField = z.string().describe("Absolute path, or ~/… (the agent user's home)");

/** `?offset=&limit=` of a directory listing. */
export const pageFields = {
  offset: z.coerce.number().int().min(0).default(0).describe('First entry of the page'),
  limit: z.coerce.number().int().min(1).max(5000).default(500).describe('Entries per page'),
};

/** One page of a directory (`DirectoryPage`). */
export const directoryPageSchema = z.object({
  path: z.string(),
  parent: z.string().nullable().describe('The parent directory when it is inside the roots too'),
  total: z.number().int(),
  offset: z.number().int(),
  entries: z.array(fileEntrySchema),
  nextOffset: z.number().int().nullable(),
});

/** What an upload answers. */
export const uploadedSchema = z.object({ files: z.array(z.object({ name: z.string(), path: z.string(), size: z.number().int() })) });

/** The multipart form of an upload, for the OpenAPI document (the handler parses it with busboy). */
export const uploadFormSchema = z.object({ file: z.array(z.file()).describe('One part per file, each with a filename; other fields are ignored') });
