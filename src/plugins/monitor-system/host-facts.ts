import type * as si from 'systeminformation';

/** Facts about the host that do not change while the agent runs (read once, in activate). */
export interface HostFacts {
  platform: string;
  distro: string;
  release: string;
  kernel: string;
  arch: string;
  hostname: string;
  cpuBrand: string;
  cpuCores: number;
  cpuPhysicalCores: number;
  systemModel: string;
  virtual: boolean;
  hasBattery: boolean;
}

/** The systeminformation calls for static facts; each costs 25-60 ms, so never per sample. */
export type HostFactsSource = Pick<typeof si, 'cpu' | 'osInfo' | 'system' | 'battery'>;

/** Read the static facts. A failing call leaves its fields empty instead of failing the monitor. */
export async function readHostFacts(source: HostFactsSource, errors: string[]): Promise<HostFacts> {
  const attempt = <T>(name: string, call: () => Promise<T>) =>
    call().catch((error: unknown) => {
      errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
  const [cpu, os, system, battery] = await Promise.all([attempt('cpu', () => source.cpu()), attempt('osInfo', () => source.osInfo()), attempt('system', () => source.system()), attempt('battery', () => source.battery())]);
  return {
    platform: os?.platform ?? '',
    distro: os?.distro ?? '',
    release: os?.release ?? '',
    kernel: os?.kernel ?? '',
    arch: os?.arch ?? '',
    hostname: os?.hostname ?? '',
    cpuBrand: [cpu?.manufacturer, cpu?.brand].filter(Boolean).join(' '),
    cpuCores: cpu?.cores ?? 0,
    cpuPhysicalCores: cpu?.physicalCores ?? 0,
    systemModel: [system?.manufacturer, system?.model].filter(Boolean).join(' '),
    virtual: system?.virtual ?? false,
    hasBattery: battery?.hasBattery ?? false,
  };
}
