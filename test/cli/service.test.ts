import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/service/service-target';
import { captureIo } from './capture-io';

const FAKES = path.resolve(__dirname, '../fakes/bin');
const ROOT = packageRoot(__dirname);

let home: string;
let project: string;
let bin: string;
let log: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tf-svc-home-'));
  project = mkdtempSync(path.join(os.tmpdir(), 'tf-svc-project-'));
  bin = mkdtempSync(path.join(os.tmpdir(), 'tf-svc-bin-'));
  log = path.join(bin, 'calls.log');
  writeFileSync(path.join(project, 'tunnelforge.config.json'), JSON.stringify({ port: 4020, dataDir: './state' }));
});
afterEach(() => {
  for (const dir of [home, project, bin]) rmSync(dir, { recursive: true, force: true });
});

/** A PATH holding only the chosen fakes (and, after them, the system's basic tools for their scripts). */
function pathWith(...tools: string[]): string {
  for (const tool of tools) symlinkSync(path.join(FAKES, tool), path.join(bin, tool));
  return tools.length === 0 ? bin : `${bin}:/usr/bin:/bin`;
}

function cli(env: Record<string, string>, platform?: NodeJS.Platform) {
  return captureIo(project, { HOME: home, XDG_CONFIG_HOME: '', ...env }, platform ? { platform } : {});
}

const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
/** Unit, plist and XML with this machine's paths replaced, for snapshots. */
const normalize = (text: string) => text.split(process.execPath).join('<node>').split(ROOT).join('<root>').split(project).join('<project>');

describe('tunnelforge service on Linux (systemd user unit)', () => {
  test('install writes the unit (snapshot), reloads, enables and starts it; systemd-analyze verify accepts it', async () => {
    const io = cli({ PATH: pathWith('systemctl'), FAKE_SYSTEMCTL_LOG: log }, 'linux');
    expect(await runCli(['service', 'install'], io.io)).toBe(0);
    const unitFile = path.join(home, '.config/systemd/user/tunnelforge.service');
    const unit = readFileSync(unitFile, 'utf8');
    expect(normalize(unit)).toMatchSnapshot();
    expect(unit).toContain('KillMode=process');
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain(`"--config" "${path.join(project, 'tunnelforge.config.json')}" "--data-dir" "${path.join(project, 'state')}"`);
    expect(calls()).toEqual(['--user show-environment', '--user daemon-reload', '--user enable tunnelforge.service', '--user restart tunnelforge.service']);
    expect(io.stdout()).toMatch(/installed and started the systemd user unit .*tunnelforge\.service\nlogs: tunnelforge logs -f/);
    expect(existsSync(path.join(project, 'state', 'logs'))).toBe(true);

    const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (analyze.status === 0) {
      const verified = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
      expect({ status: verified.status, stderr: verified.stderr }).toEqual({ status: 0, stderr: '' });
    } else {
      console.warn('systemd-analyze is not installed: the unit is checked by its snapshot only');
    }
  });

  test('status says installed and active (exit 0), or the state systemd reports (exit 3); uninstall stops and removes it', async () => {
    const env = { PATH: pathWith('systemctl'), FAKE_SYSTEMCTL_LOG: log };
    expect(await runCli(['service', 'install'], cli(env, 'linux').io)).toBe(0);
    const status = cli(env, 'linux');
    expect(await runCli(['service', 'status'], status.io)).toBe(0);
    expect(status.stdout()).toMatch(/^systemd: installed \(.*tunnelforge\.service\), active\n$/);
    const failed = cli({ ...env, FAKE_SYSTEMCTL_STATE: 'failed' }, 'linux');
    expect(await runCli(['service', 'status', '--json'], failed.io)).toBe(3);
    expect(JSON.parse(failed.stdout())).toMatchObject({ manager: 'systemd', installed: true, state: 'failed' });

    const removed = cli(env, 'linux');
    expect(await runCli(['service', 'uninstall'], removed.io)).toBe(0);
    expect(removed.stdout()).toBe('stopped and removed the systemd service\n');
    expect(existsSync(path.join(home, '.config/systemd/user/tunnelforge.service'))).toBe(false);
    expect(calls().slice(-3)).toEqual(['--user show-environment', '--user disable --now tunnelforge.service', '--user daemon-reload']);
    const again = cli(env, 'linux');
    expect(await runCli(['service', 'uninstall'], again.io)).toBe(0);
    expect(again.stdout()).toBe('no systemd service was installed; nothing to remove\n');
    const none = cli(env, 'linux');
    expect(await runCli(['service', 'status'], none.io)).toBe(3);
    expect(none.stdout()).toBe('systemd: not installed (tunnelforge service install)\n');
  });

  test('without systemd, or without a reachable user manager, install says so and changes nothing', async () => {
    const without = cli({ PATH: pathWith() }, 'linux');
    expect(await runCli(['service', 'install'], without.io)).toBe(1);
    expect(without.stderr()).toMatch(/^tunnelforge: systemd was not found \(no systemctl on PATH\): .*Nothing was changed\.\n$/);
    expect(existsSync(path.join(home, '.config'))).toBe(false);

    const noBus = cli({ PATH: pathWith('systemctl'), FAKE_SYSTEMCTL_LOG: log, FAKE_SYSTEMCTL_MODE: 'no-bus' }, 'linux');
    expect(await runCli(['service', 'install'], noBus.io)).toBe(1);
    expect(noBus.stderr()).toMatch(/the systemd user manager cannot be reached \(systemctl --user: Failed to connect to bus: No medium found\).*Nothing was changed\./);
    expect(existsSync(path.join(home, '.config'))).toBe(false);
    expect(existsSync(path.join(project, 'state'))).toBe(false);
    expect(calls()).toEqual(['--user show-environment']);
  });

  test('--print shows the unit and runs nothing', async () => {
    const io = cli({ PATH: pathWith() }, 'linux');
    expect(await runCli(['service', 'install', '--print'], io.io)).toBe(0);
    expect(io.stdout()).toContain('[Service]');
    expect(existsSync(path.join(home, '.config'))).toBe(false);
  });
});

describe('tunnelforge service on a simulated macOS (launchd) and Windows (Task Scheduler)', () => {
  test('macOS: the launch agent plist (snapshot) is written and bootstrapped; status and uninstall', async () => {
    const env = { PATH: pathWith('launchctl'), FAKE_LAUNCHCTL_LOG: log };
    expect(await runCli(['service', 'install'], cli(env, 'darwin').io)).toBe(0);
    const plistFile = path.join(home, 'Library/LaunchAgents/dev.tunnelforge.agent.plist');
    const plist = readFileSync(plistFile, 'utf8');
    expect(normalize(plist)).toMatchSnapshot();
    if (spawnSync('xmllint', ['--version']).status === 0) execFileSync('xmllint', ['--noout', plistFile]);
    const uid = process.getuid?.() ?? 501;
    expect(calls()).toEqual([`bootout gui/${uid}/dev.tunnelforge.agent`, `bootstrap gui/${uid} ${plistFile}`]);
    const status = cli(env, 'darwin');
    expect(await runCli(['service', 'status'], status.io)).toBe(0);
    expect(status.stdout()).toMatch(/^launchd: installed \(.*dev\.tunnelforge\.agent\.plist\), running\n$/);
    expect(await runCli(['service', 'uninstall'], cli(env, 'darwin').io)).toBe(0);
    expect(existsSync(plistFile)).toBe(false);
  });

  test('macOS without launchctl says so and changes nothing', async () => {
    const io = cli({ PATH: pathWith() }, 'darwin');
    expect(await runCli(['service', 'install'], io.io)).toBe(1);
    expect(io.stderr()).toMatch(/launchd was not found \(no launchctl on PATH\).*Nothing was changed\./);
    expect(existsSync(path.join(home, 'Library'))).toBe(false);
  });

  test('Windows: the task XML (snapshot) is registered with schtasks /Create /XML and run; status and uninstall', async () => {
    const env = { PATH: pathWith('schtasks'), FAKE_SCHTASKS_LOG: log, USERDOMAIN: 'DESKTOP', USERNAME: 'ada' };
    const printed = cli(env, 'win32');
    expect(await runCli(['service', 'install', '--print'], printed.io)).toBe(0);
    expect(normalize(printed.stdout())).toMatchSnapshot();
    expect(await runCli(['service', 'install'], cli(env, 'win32').io)).toBe(0);
    const [create, run] = calls();
    expect(create).toMatch(/^\/Create \/TN TunnelForge \/XML .*tunnelforge-task\.xml \/F$/);
    expect(run).toBe('/Run /TN TunnelForge');
    const status = cli(env, 'win32');
    expect(await runCli(['service', 'status'], status.io)).toBe(0);
    expect(status.stdout()).toBe('Task Scheduler: installed (TunnelForge), Running\n');
    expect(await runCli(['service', 'uninstall'], cli(env, 'win32').io)).toBe(0);
    expect(calls().slice(-3)).toEqual(['/Query /TN TunnelForge', '/End /TN TunnelForge', '/Delete /TN TunnelForge /F']);
  });

  test('another operating system: says which ones are supported', async () => {
    const io = cli({ PATH: pathWith() }, 'freebsd');
    expect(await runCli(['service', 'install'], io.io)).toBe(1);
    expect(io.stderr()).toMatch(/supports Linux \(systemd\), macOS \(launchd\) and Windows \(Task Scheduler\); freebsd is none of them/);
  });
});
