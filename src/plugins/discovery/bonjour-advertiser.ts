import { Bonjour } from 'bonjour-service';
import type { Advertiser } from './advertiser';

/**
 * mDNS/DNS-SD through bonjour-service (pure JavaScript, multicast-dns underneath): probes the name,
 * answers queries for `_tunnelforge._tcp`, and says goodbye when stopped. A specific bind address
 * limits the responder to that interface.
 */
export const bonjourAdvertiser: Advertiser = {
  advertise(advertisement, onError) {
    const wildcard = advertisement.host === '0.0.0.0' || advertisement.host === '::';
    const bonjour = new Bonjour(wildcard ? {} : ({ interface: advertisement.host } as object), (error: Error) => onError(error));
    const service = bonjour.publish({ name: advertisement.name, type: advertisement.type, protocol: 'tcp', port: advertisement.port, txt: advertisement.txt });
    service.on('error', (error: Error) => onError(error));
    return {
      stop: () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          bonjour.unpublishAll(() =>
            bonjour.destroy(() => {
              clearTimeout(timer);
              resolve();
            }),
          );
        }),
    };
  },
};
