import type { ServiceTarget } from './service-target';

/** Label of the launchd agent (also its plist's file name). */
export const LAUNCHD_LABEL = 'dev.tunnelforge.agent';

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The launchd agent (`~/Library/LaunchAgents/dev.tunnelforge.agent.plist`): started at login,
 * restarted when it exits unsuccessfully (`KeepAlive.SuccessfulExit = false`), and
 * `AbandonProcessGroup` so launchd does not kill what the agent started when it exits (the launchd
 * counterpart of systemd's `KillMode=process`).
 */
export function renderLaunchdPlist(target: ServiceTarget): string {
  const args = [target.node, target.cli, ...target.args].map((a) => `    <string>${xml(a)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>WorkingDirectory</key>
  <string>${xml(target.workingDirectory)}</string>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>5</integer>
  <key>AbandonProcessGroup</key>
  <true/>
  <key>ProcessType</key>
  <string>Interactive</string>
  <key>StandardOutPath</key>
  <string>/dev/null</string>
  <key>StandardErrorPath</key>
  <string>${xml(target.logsDir)}/service.err.log</string>
</dict>
</plist>
`;
}
