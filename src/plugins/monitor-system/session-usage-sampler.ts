import type { SessionInfo } from '../../plugin-api';
import { mapLimited } from './map-limited';
import { readProcessTree } from './read-process-tree';

/** CPU and memory of one session's process tree. */
export interface SessionUsage {
  id: string;
  name: string;
  pid: number;
  /** Processes in the tree (the session's leader and everything below it). */
  processes: number;
  /** Percent of one core since the previous sample; null when there is nothing to compare with yet. */
  cpuPercent: number | null;
  rssBytes: number;
}

/** The subset of systeminformation's process list this sampler reads. */
export interface ProcessListSource {
  processes(): Promise<{ list: Array<{ pid: number; parentPid: number; cpu: number; memRss: number }> }>;
}

/**
 * Linux kernels report CPU time in USER_HZ ticks, which is 100 on every mainstream architecture
 * (it is part of the user-space ABI, independent of the kernel's own HZ).
 */
const TICKS_PER_SECOND = 100;

/** Session trees walked at once: enough to keep the file threads busy, few enough not to stall the loop. */
const TREES_IN_FLIGHT = 4;

/**
 * Per-session CPU and memory. On Linux: each session's tree from /proc, CPU as the difference of its
 * CPU ticks between samples. Elsewhere: from systeminformation's full process list, which costs a
 * child process (`ps`) and ~100 ms, so it is refreshed at most every `processListEveryMs`.
 */
export class SessionUsageSampler {
  private readonly lastTicks = new Map<string, { ticks: number; at: number }>();
  private processList: { at: number; byPid: Map<number, { cpu: number; rssBytes: number; children: number[] }> } | null = null;

  constructor(
    private readonly options: { linux: boolean; processListEveryMs: number; procRoot?: string },
    private readonly source: ProcessListSource,
    private readonly now: () => number = Date.now,
  ) {}

  async sample(sessions: readonly SessionInfo[]): Promise<SessionUsage[]> {
    const running = sessions.filter((s): s is SessionInfo & { pid: number } => s.state === 'running' && typeof s.pid === 'number' && s.pid > 0);
    for (const id of this.lastTicks.keys()) if (!running.some((s) => s.id === id)) this.lastTicks.delete(id);
    if (running.length === 0) return [];
    return this.options.linux ? this.fromProc(running) : this.fromProcessList(running);
  }

  private async fromProc(sessions: Array<SessionInfo & { pid: number }>): Promise<SessionUsage[]> {
    const at = this.now();
    const trees = await mapLimited(sessions, TREES_IN_FLIGHT, (s) => readProcessTree(s.pid, this.options.procRoot));
    const result: SessionUsage[] = [];
    sessions.forEach((session, i) => {
      const tree = trees[i];
      if (!tree) return;
      const prev = this.lastTicks.get(session.id);
      this.lastTicks.set(session.id, { ticks: tree.cpuTicks, at });
      const seconds = prev ? (at - prev.at) / 1000 : 0;
      const cpuPercent = prev && seconds > 0 ? Math.max(0, (100 * (tree.cpuTicks - prev.ticks)) / TICKS_PER_SECOND / seconds) : null;
      result.push({ id: session.id, name: session.name, pid: session.pid, processes: tree.pids.length, cpuPercent, rssBytes: tree.rssBytes });
    });
    return result;
  }

  private async fromProcessList(sessions: Array<SessionInfo & { pid: number }>): Promise<SessionUsage[]> {
    const at = this.now();
    if (!this.processList || at - this.processList.at >= this.options.processListEveryMs) {
      const { list } = await this.source.processes();
      const byPid = new Map<number, { cpu: number; rssBytes: number; children: number[] }>();
      for (const p of list) byPid.set(p.pid, { cpu: p.cpu || 0, rssBytes: (p.memRss || 0) * 1024, children: [] });
      for (const p of list) byPid.get(p.parentPid)?.children.push(p.pid);
      this.processList = { at, byPid };
    }
    const { byPid } = this.processList;
    const result: SessionUsage[] = [];
    for (const session of sessions) {
      if (!byPid.has(session.pid)) continue;
      let cpu = 0;
      let rss = 0;
      let count = 0;
      const seen = new Set<number>();
      const queue = [session.pid];
      while (queue.length > 0 && count < 512) {
        const pid = queue.pop() as number;
        const entry = byPid.get(pid);
        if (!entry || seen.has(pid)) continue;
        seen.add(pid);
        count++;
        cpu += entry.cpu;
        rss += entry.rssBytes;
        queue.push(...entry.children);
      }
      result.push({ id: session.id, name: session.name, pid: session.pid, processes: count, cpuPercent: cpu, rssBytes: rss });
    }
    return result;
  }
}
