import type { ServiceTarget } from './service-target';

/** Name of the systemd user unit. */
export const SYSTEMD_UNIT = 'tunnelforge.service';

/** systemd's own quoting for one ExecStart argument: always double-quoted, `\` `"` escaped, `%` doubled, `$` as `$$`. */
function quote(arg: string): string {
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/** A path in a unit setting (no quotes there): `%` must still be doubled. */
function unitPath(value: string): string {
  if (/[\n\r]/.test(value)) throw new Error(`a path with a line break cannot go into a unit file: ${JSON.stringify(value)}`);
  return value.replace(/%/g, '%%');
}

/**
 * The systemd user unit of the agent. `KillMode=process`: stopping or restarting the service
 * signals the agent only, not every process in its cgroup, so terminals that a session host keeps
 * outside the agent are not killed with it (with today's in-process PTYs the shells still end when
 * the agent exits: they are its children). `Restart=on-failure` restarts a crashed agent, not one
 * stopped on purpose. Logs: the agent writes its rotating log to `<dataDir>/logs`; the service
 * manager only keeps stderr (boot problems) next to it.
 */
export function renderSystemdUnit(target: ServiceTarget): string {
  return [
    '[Unit]',
    'Description=TunnelForge agent (terminal sharing)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[target.node, target.cli, ...target.args].map(quote).join(' ')}`,
    `WorkingDirectory=${unitPath(target.workingDirectory)}`,
    'Restart=on-failure',
    'RestartSec=5',
    '# Stop and restart signal the agent only: terminals kept by a session host outside it survive.',
    'KillMode=process',
    'TimeoutStopSec=20',
    'StandardOutput=null',
    `StandardError=append:${unitPath(target.logsDir)}/service.err.log`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}
