import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { statfsSync } from 'node:fs';
import { ProcCpuReader } from '../../../src/plugins/monitor-system/proc-cpu-reader';
import { ProcFilesystemsReader } from '../../../src/plugins/monitor-system/proc-filesystems-reader';
import { ProcNetReader } from '../../../src/plugins/monitor-system/proc-net-reader';
import { readProcessTree } from '../../../src/plugins/monitor-system/read-process-tree';

describe('/proc readers', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tf-proc-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A fake /proc/<pid> with stat times and children listed per thread. */
  function proc(pid: number, comm: string, times: [number, number, number, number], rssKb: number | null, childrenByTask: Record<number, number[]>) {
    const dir = path.join(root, String(pid));
    mkdirSync(dir, { recursive: true });
    const fields = ['S', '1', pid, pid, 0, -1, 4194304, 0, 0, 0, 0, ...times, 20, 0, 1, 0, 100, 1000, 250];
    writeFileSync(path.join(dir, 'stat'), `${pid} (${comm}) ${fields.join(' ')}\n`);
    writeFileSync(path.join(dir, 'status'), `Name:\t${comm}\n${rssKb === null ? '' : `VmRSS:\t    ${rssKb} kB\n`}Threads:\t1\n`);
    for (const [tid, children] of Object.entries(childrenByTask)) {
      mkdirSync(path.join(dir, 'task', tid), { recursive: true });
      writeFileSync(path.join(dir, 'task', tid, 'children'), children.length ? `${children.join(' ')} ` : '');
    }
  }

  it('sums CPU ticks (with reaped children) and VmRSS over the whole tree, children of every thread', async () => {
    proc(100, 'bash (login) )', [10, 5, 3, 2], 4000, { 100: [101], 102: [103] });
    proc(101, 'vim', [7, 1, 0, 0], 8000, { 101: [] });
    proc(103, 'make', [1, 1, 50, 10], 1000, { 103: [104] });
    proc(104, 'zombie', [2, 0, 0, 0], null, { 104: [] });
    const tree = await readProcessTree(100, root);
    expect(tree).toEqual({ pids: [100, 101, 103, 104], cpuTicks: 20 + 8 + 62 + 2, rssBytes: 13000 * 1024 });
  });

  it('returns null for a gone root and skips children that vanished meanwhile', async () => {
    expect(await readProcessTree(999, root)).toBeNull();
    proc(200, 'sh', [1, 1, 0, 0], 100, { 200: [201] });
    expect(await readProcessTree(200, root)).toMatchObject({ pids: [200] });
  });

  it('stops at 512 processes, so a fork bomb cannot stall sampling', async () => {
    proc(1, 'root', [0, 0, 0, 0], 1, { 1: Array.from({ length: 600 }, (_, i) => i + 2) });
    for (let i = 2; i < 602; i++) proc(i, 'kid', [1, 0, 0, 0], 1, { [i]: [] });
    expect((await readProcessTree(1, root))?.pids).toHaveLength(512);
  });

  it('computes CPU load between two /proc/stat readings', async () => {
    const file = path.join(root, 'stat');
    const line = (user: number, system: number, idle: number, iowait: number) => `cpu  ${user} 0 ${system} ${idle} ${iowait} 0 0 0 0 0\ncpu0 1 2 3\nintr 1 2 3\n`;
    writeFileSync(file, line(100, 50, 800, 50));
    const reader = new ProcCpuReader(file);
    expect(await reader.read()).toBeNull();
    writeFileSync(file, line(160, 70, 900, 70)); // +60 user, +20 system, +120 idle+iowait of 200
    expect(await reader.read()).toEqual({ loadPercent: 40, userPercent: 30, systemPercent: 10 });
    expect(await reader.read()).toEqual({ loadPercent: 40, userPercent: 30, systemPercent: 10 }); // no tick passed: same answer
  });

  it('reads interface counters and per-second rates from /proc/net/dev, without loopback', async () => {
    const file = path.join(root, 'dev');
    const dev = (rx: number, tx: number) =>
      'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      `    lo: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0\n  eth0: ${rx} 10 0 0 0 0 0 0 ${tx} 10 0 0 0 0 0 0\n`;
    let now = 10_000;
    const reader = new ProcNetReader(file, () => now);
    writeFileSync(file, dev(1000, 2000));
    expect(await reader.read()).toEqual([{ iface: 'eth0', rxBytes: 1000, txBytes: 2000, rxBytesPerSecond: null, txBytesPerSecond: null }]);
    writeFileSync(file, dev(3000, 2500));
    now += 2000;
    expect(await reader.read()).toEqual([{ iface: 'eth0', rxBytes: 3000, txBytes: 2500, rxBytesPerSecond: 1000, txBytesPerSecond: 250 }]);
  });

  it('reads disk usage of real mounts with statfs, skipping pseudo filesystems, duplicates and vanished mounts', async () => {
    const spaced = path.join(root, 'with space');
    mkdirSync(spaced);
    writeFileSync(path.join(root, 'mounts'), [
      'overlay / overlay rw,relatime,lowerdir=/a 0 0',
      'proc /proc proc rw,nosuid 0 0',
      'tmpfs /dev/shm tmpfs rw 0 0',
      `/dev/sdz9 ${spaced.replace(/ /g, '\\040')} ext4 rw,relatime 0 0`,
      '/dev/sdz9 / ext4 rw 0 0',
      '/dev/loop3 /snap/core/1 squashfs ro 0 0',
      '/dev/sdy1 /no/such/mount ext4 rw 0 0',
      '',
    ].join('\n'));
    const list = await new ProcFilesystemsReader(path.join(root, 'mounts')).read();
    expect(list.map((f) => [f.fs, f.mount, f.type])).toEqual([['overlay', '/', 'overlay'], ['/dev/sdz9', spaced, 'ext4']]);
    const real = statfsSync('/');
    expect(list[0].sizeBytes).toBe(real.blocks * real.bsize);
    expect(list[0].usedBytes).toBeGreaterThan(0);
    expect(list[0].usedBytes + list[0].availableBytes).toBeLessThanOrEqual(list[0].sizeBytes);
  });

  it('lists the root filesystem of this machine from the real /proc/mounts', async () => {
    const list = await new ProcFilesystemsReader().read();
    const rootFs = list.find((f) => f.mount === '/');
    expect(rootFs).toBeDefined();
    expect(rootFs!.sizeBytes).toBe(statfsSync('/').blocks * statfsSync('/').bsize);
    expect(list.every((f) => f.type !== 'proc' && f.type !== 'squashfs')).toBe(true);
  });
});
