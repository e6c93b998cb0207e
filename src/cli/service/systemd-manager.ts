import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findExecutable } from '../../kernel/core/node-platform-info';
import { firstLine, runCommand } from './run-command';
import type { ServiceManager, ServiceStatus } from './service-manager';
import type { ServiceTarget } from './service-target';
import { renderSystemdUnit, SYSTEMD_UNIT } from './systemd-unit';

/** systemd user units: `~/.config/systemd/user/tunnelforge.service`, driven with `systemctl --user`. */
export class SystemdManager implements ServiceManager {
  readonly name = 'systemd';

  constructor(private readonly env: Readonly<Record<string, string | undefined>>, private readonly home: string) {}

  get unitFile(): string {
    const base = this.env.XDG_CONFIG_HOME || path.join(this.home, '.config');
    return path.join(base, 'systemd', 'user', SYSTEMD_UNIT);
  }

  private async systemctl(): Promise<string | null> {
    return findExecutable('systemctl', this.env.PATH ?? '');
  }

  async unavailable(): Promise<string | null> {
    const systemctl = await this.systemctl();
    if (systemctl === null) return 'systemd was not found (no systemctl on PATH): this system does not run systemd, so there is no user service to install';
    const probe = await runCommand(systemctl, ['--user', 'show-environment'], this.env, 10_000);
    if (probe.code !== 0) return `the systemd user manager cannot be reached (systemctl --user: ${firstLine(probe)}); on a system without a user session (a container, WSL without systemd, ssh without lingering) install nothing and run tunnelforge start under your own supervisor`;
    return null;
  }

  render(target: ServiceTarget): string {
    return renderSystemdUnit(target);
  }

  async install(target: ServiceTarget): Promise<string[]> {
    const systemctl = (await this.systemctl()) as string;
    await mkdir(target.logsDir, { recursive: true, mode: 0o700 });
    await mkdir(path.dirname(this.unitFile), { recursive: true });
    await writeFile(this.unitFile, this.render(target), { mode: 0o644 });
    for (const args of [['--user', 'daemon-reload'], ['--user', 'enable', SYSTEMD_UNIT], ['--user', 'restart', SYSTEMD_UNIT]]) {
      const result = await runCommand(systemctl, args, this.env);
      if (result.code !== 0) throw new Error(`systemctl ${args.join(' ')} failed: ${firstLine(result)} (the unit is at ${this.unitFile}; tunnelforge service uninstall removes it)`);
    }
    return [
      `installed and started the systemd user unit ${this.unitFile}`,
      `logs: tunnelforge logs -f (files in ${target.logsDir})`,
      'to keep it running while you are logged out: loginctl enable-linger "$USER"',
    ];
  }

  async uninstall(): Promise<boolean> {
    const systemctl = (await this.systemctl()) as string;
    const existed = await readFile(this.unitFile).then(() => true, () => false);
    if (!existed) return false;
    const disabled = await runCommand(systemctl, ['--user', 'disable', '--now', SYSTEMD_UNIT], this.env);
    if (disabled.code !== 0) throw new Error(`systemctl --user disable --now ${SYSTEMD_UNIT} failed: ${firstLine(disabled)}`);
    await rm(this.unitFile, { force: true });
    await runCommand(systemctl, ['--user', 'daemon-reload'], this.env);
    return true;
  }

  async status(): Promise<ServiceStatus> {
    const installed = await readFile(this.unitFile).then(() => true, () => false);
    if (!installed) return { installed, state: null, location: this.unitFile };
    const systemctl = (await this.systemctl()) as string;
    const active = await runCommand(systemctl, ['--user', 'is-active', SYSTEMD_UNIT], this.env);
    return { installed, state: active.stdout.trim() || firstLine(active), location: this.unitFile };
  }
}
