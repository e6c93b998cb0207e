/**
 * The error one line of `tailscale serve|funnel` output carries, in words a user can act on; `null`
 * for a line that is not an error. The CLI prints the cause first and hints after it.
 */
export function explainTailscaleLine(line: string): string | null {
  const text = line.trim();
  if (/^Access denied: serve config denied/i.test(text)) {
    return 'this user may not change the tailscale serve config (Access denied): run `sudo tailscale set --operator=$USER` once, then start the tunnel again';
  }
  if (/Serve is not enabled on your tailnet/i.test(text)) return 'Tailscale Serve (HTTPS certificates) is not enabled on this tailnet: enable it in the admin console, then start the tunnel again';
  if (/Funnel not available|funnel.*(not enabled|node attribute)/i.test(text)) return `Tailscale Funnel is not available for this machine (${text}); allow it in the tailnet policy, or use mode "serve"`;
  if (/^(error|Error|failed|serve:|funnel:)/.test(text)) return text.replace(/^error:\s*/i, '');
  return null;
}
