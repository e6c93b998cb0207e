/** Subprotocol entries that carry a credential (`tunnelforge.bearer.<token>`, `tunnelforge.ticket.<ticket>`). */
const CREDENTIAL = /^tunnelforge\.(?:bearer|ticket)\./i;

/**
 * The subprotocol to confirm on an upgrade: the first one offered that is not a credential. Clients
 * list their application protocol first (`['tunnelforge.v1', 'tunnelforge.ticket.<t>']`); echoing
 * the whole list would be invalid and makes clients drop the connection, and echoing a credential
 * would copy it into a response header that proxies may log.
 */
export function chooseSubprotocol(offered: string | undefined): string {
  const entries = (offered ?? '').split(',').map((entry) => entry.trim());
  return entries.find((entry) => entry !== '' && !CREDENTIAL.test(entry)) ?? '';
}
