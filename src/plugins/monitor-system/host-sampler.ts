import * as os from 'node:os';
import type * as si from 'systeminformation';
import { ProcCpuReader, type CpuLoad } from './proc-cpu-reader';
import { ProcFilesystemsReader } from './proc-filesystems-reader';
import { ProcNetReader, type InterfaceTraffic } from './proc-net-reader';

/** One filesystem's usage. */
export interface FilesystemUsage {
  mount: string;
  fs: string;
  type: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
}

/** One host reading. A part that could not be read is null and its error is listed by the caller. */
export interface HostUsage {
  cpu: (CpuLoad & { cores: number }) | null;
  memory: { totalBytes: number; usedBytes: number; availableBytes: number; swapTotalBytes: number; swapUsedBytes: number } | null;
  /** Refreshed on every `slowEvery`-th sample; the last reading in between. */
  filesystems: FilesystemUsage[] | null;
  network: InterfaceTraffic[] | null;
  uptimeSeconds: number;
  /** Only on hosts with a battery; refreshed with the filesystems. */
  battery: { percent: number; charging: boolean; acConnected: boolean } | null;
}

/** The systeminformation calls used per sample. */
export type HostUsageSource = Pick<typeof si, 'currentLoad' | 'mem' | 'fsSize' | 'networkStats' | 'battery'>;

/** How the host sampler reads. */
export interface HostSamplerOptions {
  /** Read CPU, network and disks from /proc (Linux only). */
  procfs: boolean;
  slowEvery: number;
  hasBattery: boolean;
  procRoot?: string;
}

/**
 * Host CPU, memory, disks, network, uptime and battery, each read as cheaply as the interval
 * allows: memory every sample (one async /proc/meminfo read on Linux), disks and battery every
 * `slowEvery` samples, CPU, network and disks from /proc on Linux (systeminformation spawns shells
 * for those there) and from systeminformation elsewhere, uptime from `os.uptime()`.
 */
export class HostSampler {
  private readonly cpuReader: ProcCpuReader | null;
  private readonly netReader: ProcNetReader | null;
  private readonly fsReader: ProcFilesystemsReader | null;
  private filesystems: FilesystemUsage[] | null = null;
  private battery: HostUsage['battery'] = null;
  private count = 0;

  constructor(private readonly source: HostUsageSource, private readonly options: HostSamplerOptions) {
    const root = options.procRoot ?? '/proc';
    this.cpuReader = options.procfs ? new ProcCpuReader(`${root}/stat`) : null;
    this.netReader = options.procfs ? new ProcNetReader(`${root}/net/dev`) : null;
    this.fsReader = options.procfs ? new ProcFilesystemsReader(`${root}/mounts`) : null;
  }

  /** Take the first readings that later samples are compared with (CPU ticks, byte counters). */
  async prime(errors: string[]): Promise<void> {
    await Promise.all([
      this.attempt('cpu', errors, async () => void (this.cpuReader ? await this.cpuReader.read() : await this.source.currentLoad())),
      this.attempt('network', errors, async () => void (this.netReader ? await this.netReader.read() : await this.source.networkStats())),
    ]);
  }

  async sample(errors: string[]): Promise<HostUsage> {
    const slow = this.count++ % this.options.slowEvery === 0;
    const [cpu, memory, network] = await Promise.all([
      this.attempt('cpu', errors, () => this.readCpu()),
      this.attempt('memory', errors, () => this.readMemory()),
      this.attempt('network', errors, () => this.readNetwork()),
      slow ? this.attempt('filesystems', errors, async () => (this.filesystems = await this.readFilesystems())) : null,
      slow && this.options.hasBattery ? this.attempt('battery', errors, async () => (this.battery = await this.readBattery())) : null,
    ]);
    return { cpu, memory, filesystems: this.filesystems, network, uptimeSeconds: os.uptime(), battery: this.battery };
  }

  private async readCpu(): Promise<HostUsage['cpu']> {
    const cores = os.availableParallelism();
    if (this.cpuReader) {
      const load = await this.cpuReader.read();
      return load ? { ...load, cores } : null;
    }
    const load = await this.source.currentLoad();
    // systeminformation divides by the time since its previous call: concurrent calls give NaN.
    if (![load.currentLoad, load.currentLoadUser, load.currentLoadSystem].every(Number.isFinite)) return null;
    return { loadPercent: load.currentLoad, userPercent: load.currentLoadUser, systemPercent: load.currentLoadSystem, cores: load.cpus?.length || cores };
  }

  private async readMemory(): Promise<HostUsage['memory']> {
    const mem = await this.source.mem();
    // "used" as total minus available: page cache the kernel can drop at once does not count.
    return { totalBytes: mem.total, usedBytes: mem.total - mem.available, availableBytes: mem.available, swapTotalBytes: mem.swaptotal, swapUsedBytes: mem.swapused };
  }

  private async readNetwork(): Promise<InterfaceTraffic[]> {
    if (this.netReader) return this.netReader.read();
    const stats = await this.source.networkStats();
    // Rates are NaN when two calls come within the same millisecond (concurrent samples): null instead.
    const rate = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);
    return stats.map((s) => ({ iface: s.iface, rxBytes: s.rx_bytes, txBytes: s.tx_bytes, rxBytesPerSecond: rate(s.rx_sec), txBytesPerSecond: rate(s.tx_sec) }));
  }

  private async readFilesystems(): Promise<FilesystemUsage[]> {
    if (this.fsReader) return this.fsReader.read();
    const list = await this.source.fsSize();
    return list.map((f) => ({ mount: f.mount, fs: f.fs, type: f.type, sizeBytes: f.size, usedBytes: f.used, availableBytes: f.available }));
  }

  private async readBattery(): Promise<HostUsage['battery']> {
    const b = await this.source.battery();
    return b.hasBattery ? { percent: b.percent, charging: b.isCharging, acConnected: b.acConnected } : null;
  }

  private async attempt<T>(name: string, errors: string[], read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }
}
