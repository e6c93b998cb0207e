import type { z } from 'zod';
import type { Authenticator } from '../plugin-api/authenticator';
import type { Logger } from '../plugin-api/core-services';
import type { TransportConfig } from './transport-config';

/** Constructor options of {@link UwsServer}. */
export interface UwsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  /** The current auth chain, in order; read on every request so plugins may come and go. */
  authenticators: () => readonly Authenticator[];
  /** Transport settings; every field has a default. */
  options?: z.input<typeof TransportConfig>;
}
