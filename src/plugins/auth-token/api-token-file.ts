import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { z, type Role } from '../../plugin-api';
import type { ApiTokenInfo } from '../shared/api-tokens';
import { atomicWriteFile } from '../shared/atomic-write-file';
import { readTextFile } from '../shared/read-text-file';
import { removeStaleTempFiles } from '../shared/remove-stale-temp-files';
import { sha256Hex } from '../shared/sha256-hex';
import { withFileLock } from '../shared/with-file-lock';
import { newApiToken } from './api-token-format';

/** File name of the API token store inside the data dir. */
export const API_TOKENS_FILE = 'api-tokens.json';

const StoredApiToken = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  name: z.string().min(1).max(100),
  role: z.enum(['admin', 'writer', 'viewer']),
  /** SHA-256 (hex) of the secret part: the token itself is never stored. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type StoredApiToken = z.output<typeof StoredApiToken>;

const ApiTokenDocument = z.strictObject({ version: z.literal(1), tokens: z.array(StoredApiToken) });

/** A token as listed: everything but the hash. */
export function toInfo({ id, name, role, createdAt, expiresAt }: StoredApiToken): ApiTokenInfo {
  return { id, name, role, createdAt, expiresAt };
}

/**
 * `<dataDir>/api-tokens.json` (mode 0600): API tokens with their name, role and expiry, the secret
 * only as a SHA-256 hash (the secret is 256 random bits, so a slow hash would add nothing). Shared
 * by the running agent and the `tunnelforge token` commands: changes are made under a lock file
 * and written atomically; the agent notices them by the file's modification.
 */
export class ApiTokenFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, API_TOKENS_FILE);
  }

  /** Every stored token. A missing file has none; a malformed one is an error. */
  async read(): Promise<StoredApiToken[]> {
    const text = await readTextFile(this.file);
    if (text === null) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not valid JSON`);
    }
    const result = ApiTokenDocument.safeParse(parsed);
    if (!result.success) throw new Error(`${this.file} has an unexpected shape: ${z.prettifyError(result.error).split('\n')[0]}`);
    return result.data.tokens;
  }

  /**
   * Remove what a crash left: temp files of interrupted writes (and of interrupted lock takeovers).
   * A lock file itself needs no cleanup: the next writer takes it over once its owner is dead.
   */
  async removeLeftovers(): Promise<string[]> {
    return [...(await removeStaleTempFiles(this.file)), ...(await removeStaleTempFiles(this.lockFile))];
  }

  private get lockFile(): string {
    return `${this.file}.lock`;
  }

  async list(): Promise<ApiTokenInfo[]> {
    return (await this.read()).map(toInfo);
  }

  /** Add a token; the plain token is returned once and not kept. */
  async create(options: { name: string; role: Role; expiresAt: Date | null; now?: Date }): Promise<{ token: string; info: ApiTokenInfo }> {
    const created = newApiToken();
    const record: StoredApiToken = {
      id: created.id,
      name: options.name,
      role: options.role,
      hash: sha256Hex(created.secret),
      createdAt: (options.now ?? new Date()).toISOString(),
      expiresAt: options.expiresAt?.toISOString() ?? null,
    };
    StoredApiToken.parse(record);
    await this.update((tokens) => [...tokens, record]);
    return { token: created.token, info: toInfo(record) };
  }

  /** Remove a token; false when there is none with this id. */
  async revoke(id: string): Promise<boolean> {
    let found = false;
    await this.update((tokens) => {
      found = tokens.some((t) => t.id === id);
      return tokens.filter((t) => t.id !== id);
    });
    return found;
  }

  private async update(change: (tokens: StoredApiToken[]) => StoredApiToken[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    return withFileLock(this.lockFile, async () => {
      const tokens = change(await this.read());
      await atomicWriteFile(this.file, JSON.stringify({ version: 1, tokens }, null, 2) + '\n');
    });
  }
}
