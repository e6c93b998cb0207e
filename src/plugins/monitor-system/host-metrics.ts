import type { Metric } from '../../plugin-api';
import type { HostFacts } from './host-facts';
import type { HostUsage } from './host-sampler';
import { metric } from './metric';

const one = (value: number | undefined | null) => (value === undefined || value === null ? null : { value });

/** Prometheus families for one host reading. */
export function hostMetrics(facts: HostFacts, host: HostUsage): Metric[] {
  const fsLabels = (f: { mount: string; type: string }) => ({ mount: f.mount, fstype: f.type });
  const list: Metric[] = [
    metric('tunnelforge_host_info', 'Host facts as labels; the value is always 1.', 'gauge', [
      { labels: { platform: facts.platform, distro: facts.distro, release: facts.release, arch: facts.arch, cpu: facts.cpuBrand, virtual: String(facts.virtual) }, value: 1 },
    ]),
    metric('tunnelforge_host_cpu_cores', 'Logical CPU cores of the host.', 'gauge', [one(host.cpu?.cores ?? facts.cpuCores)]),
    metric('tunnelforge_host_cpu_load_percent', 'Host CPU load since the previous sample, percent of all cores.', 'gauge', [one(host.cpu?.loadPercent)]),
    metric('tunnelforge_host_cpu_user_percent', 'Host CPU time in user mode since the previous sample, percent of all cores.', 'gauge', [one(host.cpu?.userPercent)]),
    metric('tunnelforge_host_cpu_system_percent', 'Host CPU time in kernel mode since the previous sample, percent of all cores.', 'gauge', [one(host.cpu?.systemPercent)]),
    metric('tunnelforge_host_memory_total_bytes', 'Host physical memory.', 'gauge', [one(host.memory?.totalBytes)]),
    metric('tunnelforge_host_memory_used_bytes', 'Host memory in use (total minus available).', 'gauge', [one(host.memory?.usedBytes)]),
    metric('tunnelforge_host_memory_available_bytes', 'Host memory available to new work without swapping.', 'gauge', [one(host.memory?.availableBytes)]),
    metric('tunnelforge_host_swap_used_bytes', 'Host swap in use.', 'gauge', [one(host.memory?.swapUsedBytes)]),
    metric('tunnelforge_host_filesystem_size_bytes', 'Filesystem size.', 'gauge', (host.filesystems ?? []).map((f) => ({ labels: fsLabels(f), value: f.sizeBytes }))),
    metric('tunnelforge_host_filesystem_used_bytes', 'Filesystem space in use.', 'gauge', (host.filesystems ?? []).map((f) => ({ labels: fsLabels(f), value: f.usedBytes }))),
    metric('tunnelforge_host_network_receive_bytes_total', 'Bytes received per interface since the interface came up.', 'counter', (host.network ?? []).map((n) => ({ labels: { interface: n.iface }, value: n.rxBytes }))),
    metric('tunnelforge_host_network_transmit_bytes_total', 'Bytes sent per interface since the interface came up.', 'counter', (host.network ?? []).map((n) => ({ labels: { interface: n.iface }, value: n.txBytes }))),
    metric('tunnelforge_host_uptime_seconds', 'Time since the host booted.', 'gauge', [one(host.uptimeSeconds)]),
  ];
  if (host.battery) {
    list.push(
      metric('tunnelforge_host_battery_percent', 'Battery charge.', 'gauge', [one(host.battery.percent)]),
      metric('tunnelforge_host_battery_charging', '1 while the battery charges.', 'gauge', [one(host.battery.charging ? 1 : 0)]),
    );
  }
  return list;
}
