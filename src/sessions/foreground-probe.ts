import { readFile } from 'node:fs/promises';
import type { Platform } from '../plugin-api';

/** The foreground process group of a terminal, as seen from its session leader. */
export interface ForegroundProcess {
  /** The foreground process group id (`tpgid`); equal to the leader's pid when the shell itself is in front. */
  pgid: number;
  /** The group leader's name (`comm`, at most 15 bytes on Linux), or null when it is already gone. */
  name: string | null;
}

/**
 * Reads which process is in front of a session's terminal. Injectable so platforms without `/proc`
 * get their own way (or none) and tests can use the real one or another.
 */
export interface ForegroundProbe {
  /** The foreground of the terminal whose session leader is `leaderPid`; null when it cannot be told (the leader is gone). */
  read(leaderPid: number): Promise<ForegroundProcess | null>;
}

/**
 * Linux: field 8 of `/proc/<leader>/stat` is `tpgid`, the terminal's foreground process group;
 * `/proc/<tpgid>/comm` names its leader. Works wherever the PTY lives on this machine (in the agent
 * or in the session host): only the pid is needed. Two small reads, no process spawned.
 */
export class ProcForegroundProbe implements ForegroundProbe {
  constructor(private readonly procRoot = '/proc') {}

  async read(leaderPid: number): Promise<ForegroundProcess | null> {
    if (!Number.isInteger(leaderPid) || leaderPid <= 0) return null;
    let stat: string;
    try {
      stat = await readFile(`${this.procRoot}/${leaderPid}/stat`, 'utf8');
    } catch {
      return null;
    }
    const pgid = parseTpgid(stat);
    if (pgid === null) return null;
    if (pgid === leaderPid) return { pgid, name: parseComm(stat) };
    try {
      return { pgid, name: (await readFile(`${this.procRoot}/${pgid}/comm`, 'utf8')).trim() || null };
    } catch {
      return { pgid, name: null };
    }
  }
}

/** `tpgid` from a `/proc/<pid>/stat` line; the name in parentheses may itself hold spaces and parentheses. */
export function parseTpgid(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  // After the name: state ppid pgrp session tty_nr tpgid ...
  const fields = stat.slice(close + 2).split(' ');
  const tpgid = Number(fields[5]);
  return Number.isInteger(tpgid) && tpgid > 0 ? tpgid : null;
}

function parseComm(stat: string): string | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  return open !== -1 && close > open ? stat.slice(open + 1, close) : null;
}

/** The probe for a platform: `/proc` on Linux, none elsewhere yet (`foreground` stays null). */
export function foregroundProbeFor(platform: Platform): ForegroundProbe | null {
  return platform === 'linux' || platform === 'android' ? new ProcForegroundProbe() : null;
}
