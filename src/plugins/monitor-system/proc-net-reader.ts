import { readFile } from 'node:fs/promises';

/** Traffic of one network interface. */
export interface InterfaceTraffic {
  iface: string;
  rxBytes: number;
  txBytes: number;
  /** Bytes per second since the previous reading (null on the first). */
  rxBytesPerSecond: number | null;
  txBytesPerSecond: number | null;
}

/**
 * Network counters of every interface but loopback from /proc/net/dev: one small read for all
 * interfaces, where systeminformation runs a shell per interface.
 */
export class ProcNetReader {
  private last = new Map<string, { rx: number; tx: number; at: number }>();

  constructor(private readonly file = '/proc/net/dev', private readonly now: () => number = Date.now) {}

  async read(): Promise<InterfaceTraffic[]> {
    const text = await readFile(this.file, 'utf8');
    const at = this.now();
    const result: InterfaceTraffic[] = [];
    const seen = new Map<string, { rx: number; tx: number; at: number }>();
    // Two header lines, then `  eth0: rxBytes rxPackets … (8 receive fields) txBytes …`.
    for (const line of text.split('\n').slice(2)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const iface = line.slice(0, colon).trim();
      if (!iface || iface === 'lo') continue;
      const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
      const rx = fields[0];
      const tx = fields[8];
      if (!Number.isFinite(rx) || !Number.isFinite(tx)) continue;
      const prev = this.last.get(iface);
      const seconds = prev ? (at - prev.at) / 1000 : 0;
      // Counters can reset (interface re-created): no rate rather than a negative one.
      const rate = (now: number, before: number | undefined) => (prev && seconds > 0 && before !== undefined && now >= before ? (now - before) / seconds : null);
      result.push({ iface, rxBytes: rx, txBytes: tx, rxBytesPerSecond: rate(rx, prev?.rx), txBytesPerSecond: rate(tx, prev?.tx) });
      seen.set(iface, { rx, tx, at });
    }
    this.last = seen;
    return result;
  }
}
