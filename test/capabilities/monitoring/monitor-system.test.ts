import { spawn, type ChildProcess } from 'node:child_process';
import * as si from 'systeminformation';
import { Monitor } from 'tunnelforge/plugin';
import { assertMonitorSample, describeMonitorContract, SimulatedPlatform, startTestKernel } from 'tunnelforge/testkit';
import monitorSystem from '../../../src/plugins/monitor-system';
import { SystemMonitor } from '../../../src/plugins/monitor-system/system-monitor';
import { monitorSystemConfigSchema } from '../../../src/plugins/monitor-system/monitor-system-config';
import { FakeSessionManager, fakeSessionsPlugin } from '../support/fake-session-manager';

describeMonitorContract('monitor-system (Linux, /proc)', async () => {
  const tk = await startTestKernel({ plugins: [monitorSystem] });
  return { monitor: tk.getAll(Monitor)[0], cleanup: () => tk.stop() };
});

describeMonitorContract('monitor-system (simulated darwin: systeminformation only)', async () => {
  const tk = await startTestKernel({ plugins: [monitorSystem], platform: new SimulatedPlatform({ platform: 'darwin' }) });
  return { monitor: tk.getAll(Monitor)[0], cleanup: () => tk.stop() };
});

const config = monitorSystemConfigSchema.parse({});
type Source = NonNullable<ConstructorParameters<typeof SystemMonitor>[0]['source']>;
const clock = { now: () => Date.now() };

/** A shell with children, in its own process group so the test can kill the whole tree. */
function spawnTree(script: string): ChildProcess {
  return spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
}

function killTree(child: ChildProcess): void {
  if (child.pid) process.kill(-child.pid, 'SIGKILL');
}

describe('monitor-system', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) killTree(child);
  });

  it('reports host, session and agent figures', async () => {
    const sessions = new FakeSessionManager();
    const tree = spawnTree('sleep 30 & sleep 30 & wait');
    children.push(tree);
    await new Promise((resolve) => setTimeout(resolve, 100));
    sessions.add('tree', tree.pid!);
    sessions.add('no pid', null);
    const tk = await startTestKernel({ plugins: [monitorSystem, fakeSessionsPlugin(sessions)] });
    try {
      const monitor = tk.getAll(Monitor)[0];
      const first = await monitor.sample();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sample = await monitor.sample();
      assertMonitorSample(monitor, sample);
      const data = sample.data as any;
      expect(data.errors).toBeUndefined();
      expect(data.facts).toMatchObject({ platform: 'linux', cpuCores: expect.any(Number) });
      expect(data.host.memory.totalBytes).toBeGreaterThan(data.host.memory.availableBytes);
      expect(data.host.cpu).toMatchObject({ loadPercent: expect.any(Number), cores: expect.any(Number) });
      expect(data.host.uptimeSeconds).toBeGreaterThan(0);
      expect(Array.isArray(data.host.network)).toBe(true);
      expect(data.host.filesystems.length).toBeGreaterThan(0);
      // Per-session: the shell and its two sleeps, found through /proc/<pid>/task/*/children.
      expect(data.sessions).toHaveLength(1);
      expect(data.sessions[0]).toMatchObject({ name: 'tree', pid: tree.pid, processes: 3, cpuPercent: expect.any(Number) });
      expect(data.sessions[0].rssBytes).toBeGreaterThan(1024 * 1024);
      expect((first.data as any).sessions[0].cpuPercent).toBeNull(); // nothing to compare with yet
      expect(data.agent).toMatchObject({ pid: process.pid, cpuPercent: expect.any(Number), memory: { rssBytes: expect.any(Number) } });
      const names = sample.metrics.map((m) => m.name);
      for (const name of ['tunnelforge_host_cpu_load_percent', 'tunnelforge_host_memory_used_bytes', 'tunnelforge_session_memory_rss_bytes', 'tunnelforge_agent_event_loop_delay_seconds']) expect(names).toContain(name);
      expect(sample.metrics.find((m) => m.name === 'tunnelforge_session_processes')?.values).toEqual([{ labels: { session: 'fake-1', name: 'tree' }, value: 3 }]);
    } finally {
      await tk.stop();
    }
  });

  it('measures a busy session tree in percent of one core', async () => {
    const sessions = new FakeSessionManager();
    const busy = spawnTree('while :; do :; done');
    children.push(busy);
    sessions.add('busy', busy.pid!);
    const monitor = new SystemMonitor({ platform: 'linux', clock, config, sessions });
    await monitor.init();
    await monitor.sample();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const usage = ((await monitor.sample()).data as any).sessions[0];
    monitor.close();
    // A busy loop gets most of a core, but other test workers share the 2 cores: assert the order
    // of magnitude (an idle tree reads ~0), not a share of the machine.
    expect(usage.cpuPercent).toBeGreaterThan(10);
    expect(usage.cpuPercent).toBeLessThan(110);
  });

  it('off Linux, reads sessions from the process list at most every processListEveryMs', async () => {
    let listCalls = 0;
    const source: Source = { ...si, processes: () => (listCalls++, si.processes()) } as Source;
    const sessions = new FakeSessionManager();
    const tree = spawnTree('sleep 30 & wait');
    children.push(tree);
    await new Promise((resolve) => setTimeout(resolve, 100));
    sessions.add('mac', tree.pid!);
    const monitor = new SystemMonitor({ platform: 'darwin', clock, config, sessions, source });
    await monitor.init();
    const samples = [await monitor.sample(), await monitor.sample(), await monitor.sample()];
    monitor.close();
    expect(listCalls).toBe(1);
    for (const s of samples) expect((s.data as any).sessions[0]).toMatchObject({ pid: tree.pid, processes: 2 });
  });

  it('reads disks every slowEvery-th sample only', async () => {
    let fsCalls = 0;
    const source: Source = { ...si, fsSize: () => (fsCalls++, si.fsSize()) } as Source;
    // procfs off: disks through systeminformation (on Linux with procfs they come from statfs).
    const monitor = new SystemMonitor({ platform: 'linux', clock, config: { ...config, slowEvery: 3, procfs: false }, source });
    await monitor.init();
    const samples = [];
    for (let i = 0; i < 7; i++) samples.push(await monitor.sample());
    monitor.close();
    expect(fsCalls).toBe(3); // samples 1, 4 and 7
    expect((samples[6].data as any).host.filesystems.length).toBeGreaterThan(0);
  });

  it('on Linux with procfs, disks come from /proc/mounts + statfs, never from systeminformation (it runs execSync)', async () => {
    const source: Source = { ...si, fsSize: () => Promise.reject(new Error('fsSize must not be called')) } as Source;
    const monitor = new SystemMonitor({ platform: 'linux', clock, config: { ...config, procfs: true }, source });
    await monitor.init();
    const sample = await monitor.sample();
    monitor.close();
    expect((sample.data as any).errors ?? []).not.toContainEqual(expect.stringContaining('filesystems'));
    expect((sample.data as any).host.filesystems.map((f: { mount: string }) => f.mount)).toContain('/');
  });

  it('never throws: failing sources become data.errors, agent figures still come', async () => {
    const fail = () => Promise.reject(new Error('boom'));
    const source = { cpu: fail, osInfo: fail, system: fail, battery: fail, currentLoad: fail, mem: fail, fsSize: fail, networkStats: fail, processes: fail } as unknown as Source;
    const monitor = new SystemMonitor({ platform: 'darwin', clock, config, source, sessions: { list: () => { throw new Error('sessions down'); } } as never });
    await monitor.init();
    const sample = await monitor.sample();
    monitor.close();
    assertMonitorSample(monitor, sample);
    const errors = (sample.data as any).errors as string[];
    expect(errors).toEqual(expect.arrayContaining(['cpu: boom', 'memory: boom', 'network: boom', 'filesystems: boom', 'sessions: sessions down', 'init osInfo: boom']));
    expect(sample.metrics.map((m) => m.name)).toContain('tunnelforge_agent_memory_rss_bytes');
    expect(sample.metrics.find((m) => m.name === 'tunnelforge_host_memory_used_bytes')?.values).toEqual([]);
  });

  it("reports the agent's event-loop delay", async () => {
    const monitor = new SystemMonitor({ platform: 'linux', clock, config });
    await monitor.init();
    await monitor.sample();
    // Node's histogram skips the first interval after a reset (sample() resets it), so block later.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const until = Date.now() + 120;
    while (Date.now() < until) {
      // block the event loop
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { agent } = (await monitor.sample()).data as any;
    monitor.close();
    expect(agent.eventLoopDelay.maxMs).toBeGreaterThan(80);
  });
});
