import { open } from 'node:fs/promises';

/** CPU load over the time since the previous reading, in percent of all cores. */
export interface CpuLoad {
  loadPercent: number;
  userPercent: number;
  systemPercent: number;
}

interface Ticks {
  total: number;
  idle: number;
  user: number;
  system: number;
}

/**
 * Host CPU load from the first line of /proc/stat (`cpu user nice system idle iowait irq softirq
 * steal …`), as the difference between two readings. One small async read: no child process, no
 * synchronous I/O on the event loop.
 */
export class ProcCpuReader {
  private last: Ticks | null = null;
  private lastLoad: CpuLoad | null = null;

  constructor(private readonly file = '/proc/stat') {}

  /** Load since the previous call; `null` on the first call (there is nothing to compare with yet). */
  async read(): Promise<CpuLoad | null> {
    const ticks = await this.readTicks();
    const prev = this.last;
    this.last = ticks;
    if (!prev) return null;
    const total = ticks.total - prev.total;
    // No clock tick passed since the last reading (called twice quickly): repeat the last answer.
    if (total <= 0) return this.lastLoad;
    const pct = (n: number) => Math.min(100, Math.max(0, (100 * n) / total));
    this.lastLoad = {
      loadPercent: pct(total - (ticks.idle - prev.idle)),
      userPercent: pct(ticks.user - prev.user),
      systemPercent: pct(ticks.system - prev.system),
    };
    return this.lastLoad;
  }

  private async readTicks(): Promise<Ticks> {
    // The aggregate "cpu" line comes first; the rest of the file (per-cpu lines, interrupts) can be large.
    const handle = await open(this.file, 'r');
    let text: string;
    try {
      const buffer = Buffer.alloc(512);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      text = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
    const line = text.slice(0, text.indexOf('\n'));
    if (!line.startsWith('cpu ')) throw new Error(`${this.file}: unexpected first line`);
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    // guest and guest_nice are already counted in user and nice.
    return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, user: user + nice, system: system + irq + softirq };
  }
}
