import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findExecutable } from '../../kernel/core/node-platform-info';
import { firstLine, runCommand } from './run-command';
import type { ServiceManager, ServiceStatus } from './service-manager';
import type { ServiceTarget } from './service-target';
import { renderWindowsTaskXml, WINDOWS_TASK } from './windows-task-xml';

/** A scheduled task that starts the agent at logon, registered with `schtasks /Create /XML`. */
export class WindowsTaskManager implements ServiceManager {
  readonly name = 'Task Scheduler';

  constructor(private readonly env: Readonly<Record<string, string | undefined>>, private readonly user: string) {}

  private async schtasks(): Promise<string | null> {
    return findExecutable('schtasks', this.env.PATH ?? '', (this.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat(['']));
  }

  async unavailable(): Promise<string | null> {
    return (await this.schtasks()) === null ? 'Task Scheduler was not found (no schtasks on PATH)' : null;
  }

  render(target: ServiceTarget): string {
    return renderWindowsTaskXml(target, this.user);
  }

  async install(target: ServiceTarget): Promise<string[]> {
    const schtasks = (await this.schtasks()) as string;
    await mkdir(target.logsDir, { recursive: true });
    // schtasks reads task XML as UTF-16 with a byte order mark.
    const file = path.join(target.dataDir, 'tunnelforge-task.xml');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(this.render(target), 'utf16le')]));
    const created = await runCommand(schtasks, ['/Create', '/TN', WINDOWS_TASK, '/XML', file, '/F'], this.env);
    await rm(file, { force: true });
    if (created.code !== 0) throw new Error(`schtasks /Create failed: ${firstLine(created)}`);
    const started = await runCommand(schtasks, ['/Run', '/TN', WINDOWS_TASK], this.env);
    if (started.code !== 0) throw new Error(`the task is registered but did not start: ${firstLine(started)}`);
    return [`installed and started the scheduled task "${WINDOWS_TASK}" (runs at logon)`, `logs: tunnelforge logs -f (files in ${target.logsDir})`];
  }

  async uninstall(): Promise<boolean> {
    const schtasks = (await this.schtasks()) as string;
    const query = await runCommand(schtasks, ['/Query', '/TN', WINDOWS_TASK], this.env);
    if (query.code !== 0) return false;
    await runCommand(schtasks, ['/End', '/TN', WINDOWS_TASK], this.env);
    const deleted = await runCommand(schtasks, ['/Delete', '/TN', WINDOWS_TASK, '/F'], this.env);
    if (deleted.code !== 0) throw new Error(`schtasks /Delete failed: ${firstLine(deleted)}`);
    return true;
  }

  async status(): Promise<ServiceStatus> {
    const schtasks = (await this.schtasks()) as string;
    const query = await runCommand(schtasks, ['/Query', '/TN', WINDOWS_TASK, '/FO', 'LIST'], this.env);
    if (query.code !== 0) return { installed: false, state: null, location: WINDOWS_TASK };
    return { installed: true, state: /^Status:\s*(.+)$/m.exec(query.stdout)?.[1].trim() ?? 'registered', location: WINDOWS_TASK };
  }
}
