import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findExecutable } from '../../kernel/core/node-platform-info';
import { LAUNCHD_LABEL, renderLaunchdPlist } from './launchd-plist';
import { firstLine, runCommand } from './run-command';
import type { ServiceManager, ServiceStatus } from './service-manager';
import type { ServiceTarget } from './service-target';

/** A launchd agent in `~/Library/LaunchAgents`, loaded into the user's GUI domain with `launchctl`. */
export class LaunchdManager implements ServiceManager {
  readonly name = 'launchd';

  constructor(private readonly env: Readonly<Record<string, string | undefined>>, private readonly home: string, private readonly uid: number) {}

  get plistFile(): string {
    return path.join(this.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  }

  private get domain(): string {
    return `gui/${this.uid}`;
  }

  private async launchctl(): Promise<string | null> {
    return findExecutable('launchctl', this.env.PATH ?? '');
  }

  async unavailable(): Promise<string | null> {
    return (await this.launchctl()) === null ? 'launchd was not found (no launchctl on PATH): there is no launch agent to install here' : null;
  }

  render(target: ServiceTarget): string {
    return renderLaunchdPlist(target);
  }

  async install(target: ServiceTarget): Promise<string[]> {
    const launchctl = (await this.launchctl()) as string;
    await mkdir(target.logsDir, { recursive: true, mode: 0o700 });
    await mkdir(path.dirname(this.plistFile), { recursive: true });
    // A loaded older version must go first: bootstrap refuses a label that is already loaded.
    await runCommand(launchctl, ['bootout', `${this.domain}/${LAUNCHD_LABEL}`], this.env);
    await writeFile(this.plistFile, this.render(target), { mode: 0o644 });
    const loaded = await runCommand(launchctl, ['bootstrap', this.domain, this.plistFile], this.env);
    if (loaded.code !== 0) throw new Error(`launchctl bootstrap failed: ${firstLine(loaded)} (the plist is at ${this.plistFile}; tunnelforge service uninstall removes it)`);
    return [`installed and started the launch agent ${this.plistFile}`, `logs: tunnelforge logs -f (files in ${target.logsDir})`];
  }

  async uninstall(): Promise<boolean> {
    const launchctl = (await this.launchctl()) as string;
    const existed = await readFile(this.plistFile).then(() => true, () => false);
    if (!existed) return false;
    await runCommand(launchctl, ['bootout', `${this.domain}/${LAUNCHD_LABEL}`], this.env);
    await rm(this.plistFile, { force: true });
    return true;
  }

  async status(): Promise<ServiceStatus> {
    const installed = await readFile(this.plistFile).then(() => true, () => false);
    if (!installed) return { installed, state: null, location: this.plistFile };
    const launchctl = (await this.launchctl()) as string;
    const printed = await runCommand(launchctl, ['print', `${this.domain}/${LAUNCHD_LABEL}`], this.env);
    const state = printed.code !== 0 ? 'not loaded' : (/^\s*state = (.+)$/m.exec(printed.stdout)?.[1].trim() ?? 'loaded');
    return { installed, state, location: this.plistFile };
  }
}
