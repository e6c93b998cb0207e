/** What the plugin needs from `tailscale status --json`. */
export interface TailscaleSelf {
  /** The machine's MagicDNS name without the final dot, e.g. `laptop.tail1234.ts.net`. */
  dnsName: string;
}

/**
 * This machine's tailnet name from `tailscale status --json`, or an error that says in words what
 * to do: logged out, stopped, or MagicDNS off (serve needs the `*.ts.net` name for its certificate).
 */
export function readTailscaleStatus(stdout: string): TailscaleSelf {
  let status: { BackendState?: unknown; Self?: { DNSName?: unknown } | null; AuthURL?: unknown; CurrentTailnet?: { MagicDNSEnabled?: unknown } | null };
  try {
    status = JSON.parse(stdout) as typeof status;
  } catch {
    throw new Error('tailscale status --json did not print JSON; is this a tailscale CLI of version 1.52 or newer?');
  }
  const state = typeof status.BackendState === 'string' ? status.BackendState : 'unknown';
  if (state === 'NeedsLogin' || state === 'NoState') throw new Error('tailscale is logged out on this machine: run `tailscale up` (or `tailscale login`), then start the tunnel again');
  if (state === 'NeedsMachineAuth') throw new Error('this machine waits for approval by a tailnet admin (tailscale: NeedsMachineAuth)');
  if (state === 'Stopped') throw new Error('tailscale is stopped on this machine: run `tailscale up`, then start the tunnel again');
  if (state !== 'Running') throw new Error(`tailscale is not running (state ${state})`);
  const name = status.Self?.DNSName;
  if (typeof name !== 'string' || !/^[a-z0-9.-]+\.$|^[a-z0-9.-]+$/i.test(name) || name.replace(/\.$/, '') === '') {
    throw new Error('this machine has no MagicDNS name: enable MagicDNS (and HTTPS certificates) for the tailnet in the Tailscale admin console');
  }
  if (status.CurrentTailnet && status.CurrentTailnet.MagicDNSEnabled === false) {
    throw new Error('MagicDNS is off in this tailnet: enable it (and HTTPS certificates) in the Tailscale admin console');
  }
  return { dnsName: name.replace(/\.$/, '').toLowerCase() };
}
