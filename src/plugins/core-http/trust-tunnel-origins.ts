import { TunnelStatusChanged, type Disposable, type EventBus } from '../../plugin-api';
import type { UwsServer } from '../../transport/uws-server';

/**
 * While a tunnel is up, its public URL is an origin of this agent: browsers that reach the page
 * through it send that Origin (https, the tunnel's host). Allow exactly it, and only while it is up,
 * so the web client works behind a tunnel without opening the Origin check to anyone else.
 */
export function trustTunnelOrigins(server: UwsServer, events: EventBus): Disposable {
  const allowed = new Map<string, { url: string; grant: Disposable }>();
  const subscription = events.subscribe(TunnelStatusChanged, (event) => {
    const status = event.data;
    const current = allowed.get(status.id);
    const url = status.state === 'up' ? status.publicUrl : null;
    if (current && current.url === url) return;
    current?.grant.dispose();
    allowed.delete(status.id);
    if (url) {
      try {
        allowed.set(status.id, { url, grant: server.allowOrigin(url) });
      } catch {
        // Not a usable origin: leave it out.
      }
    }
  });
  return {
    dispose() {
      subscription.dispose();
      for (const { grant } of allowed.values()) grant.dispose();
      allowed.clear();
    },
  };
}
