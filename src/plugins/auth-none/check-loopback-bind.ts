import { isLoopbackHost } from '../shared/is-loopback-host';

/**
 * Why `auth-none` must not run on an agent bound to `host`, or `null` when the bind is loopback-only
 * (127.0.0.0/8, ::1, localhost). A wildcard or any other address would hand a shell to everyone on
 * the network.
 */
export function loopbackBindProblem(host: string): string | null {
  if (isLoopbackHost(host)) return null;
  return (
    `auth-none admits everyone as admin, and this agent binds ${JSON.stringify(host)}, which is not loopback-only. ` +
    'Bind 127.0.0.1 (or ::1, localhost), or turn auth-none off and log in with auth-password or an API token.'
  );
}
