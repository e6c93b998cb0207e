import { CredentialRevoked, type Disposable, type EventBus, type Logger } from '../../plugin-api';
import type { UwsServer } from '../../transport/uws-server';

/**
 * Revocation reaches open connections: when a credential is revoked (`auth.revoked`, published by
 * the plugin that owns it), every WebSocket and event stream opened with it is closed at once, not
 * left running until the client disconnects. Connections carry the credential id in their
 * principal (`Principal.credential`), also when they were opened with a ticket derived from it.
 */
export function closeRevokedConnections(server: UwsServer, events: EventBus, log: Logger): Disposable {
  return events.subscribe(CredentialRevoked, (event) => {
    const { credential, reason } = event.data;
    const closed = server.closeWhere((principal) => principal.credential === credential, 'Credential revoked');
    if (closed > 0) log.info('closed the connections of a revoked credential', { closed, reason });
  });
}
