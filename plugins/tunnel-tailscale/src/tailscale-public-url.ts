/** `https://<name>` for port 443, else `https://<name>:<port>`: where `tailscale serve --https=<port>` answers. */
export function tailscalePublicUrl(dnsName: string, httpsPort: number): string {
  return httpsPort === 443 ? `https://${dnsName}` : `https://${dnsName}:${httpsPort}`;
}
