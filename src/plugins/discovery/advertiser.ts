/** One DNS-SD service to announce on the local network. */
export interface Advertisement {
  /** Instance name shown by browsers, e.g. `TunnelForge on laptop`. */
  name: string;
  /** DNS-SD service type without underscore and protocol: `tunnelforge` → `_tunnelforge._tcp`. */
  type: string;
  port: number;
  /** The address the agent binds (`0.0.0.0` for every interface): announce on that interface only. */
  host: string;
  txt: Record<string, string>;
}

/** Announces a service until disposed. The mDNS responder is the edge: tests record instead. */
export interface Advertiser {
  advertise(advertisement: Advertisement, onError: (error: Error) => void): { stop(): Promise<void> };
}
