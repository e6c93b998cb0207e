/** Where the server listens once `listen()` resolved. */
export interface ListenAddress {
  host: string;
  /** The real port (also when 0 was asked for). */
  port: number;
  /** `http://host:port`, with IPv6 hosts in brackets. */
  url: string;
}
