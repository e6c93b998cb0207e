import type { ServiceTarget } from './service-target';

/** Name of the scheduled task. */
export const WINDOWS_TASK = 'TunnelForge';

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One Windows command-line argument as CommandLineToArgvW reads it back. */
function winArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/**
 * The scheduled task (Task Scheduler 1.2 XML): runs at the user's logon with the user's rights,
 * without a time limit, restarted every minute when it fails (up to 999 times), never twice at once,
 * and not stopped on battery. Output goes to the agent's own rotating log in `<dataDir>/logs`.
 */
export function renderWindowsTaskXml(target: ServiceTarget, user: string): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>TunnelForge agent (terminal sharing)</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>${xml(user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>${xml(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
    <StartWhenAvailable>true</StartWhenAvailable>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(target.node)}</Command>
      <Arguments>${xml([target.cli, ...target.args].map(winArg).join(' '))}</Arguments>
      <WorkingDirectory>${xml(target.workingDirectory)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}
