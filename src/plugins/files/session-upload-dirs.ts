import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The private directories that files dropped into a session land in: one per agent run, made with
 * `mkdtemp` in the system temp dir (mode 0700, a name no other user can predict or pre-create), one
 * subdirectory (0700) per session. A session's directory goes when the session is removed, the
 * whole tree when the plugin stops: they hold what was handed to programs in those terminals.
 */
export class SessionUploadDirs {
  private constructor(readonly base: string) {}

  static async create(): Promise<SessionUploadDirs> {
    return new SessionUploadDirs(await mkdtemp(path.join(os.tmpdir(), 'tunnelforge-uploads-')));
  }

  /** The directory of session `id` (created on first use). */
  async forSession(id: string): Promise<string> {
    const dir = this.pathOf(id);
    await mkdir(dir, { mode: 0o700, recursive: true });
    return dir;
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await rm(this.base, { recursive: true, force: true });
  }

  private pathOf(id: string): string {
    // Session ids are UUIDs; anything else never becomes a path.
    if (!/^[0-9a-f-]{1,64}$/.test(id)) throw new TypeError(`not a session id: ${id.slice(0, 64)}`);
    return path.join(this.base, id);
  }
}
