import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DONE_MARKER, READY_MARKER } from './common';

/** A flood payload on disk: printable ASCII, no `\n`/`\r` (no ONLCR expansion), random content. */
export interface FloodPayload {
  file: string;
  bytes: number;
  sha256: string;
}

export function makeFloodPayload(dir: string, bytes: number): FloodPayload {
  // base64 of random bytes: printable, no newlines, no escape sequences, and no two runs alike, so a
  // dropped, duplicated or reordered chunk cannot go unnoticed.
  const data = Buffer.from(randomBytes(Math.ceil((bytes * 3) / 4) + 3).toString('base64').slice(0, bytes), 'latin1');
  const file = path.join(dir, `flood-${bytes}.txt`);
  writeFileSync(file, data);
  return { file, bytes, sha256: createHash('sha256').update(data).digest('hex') };
}

/**
 * The flood producer (argv for POST /api/sessions and for node-pty): cooked PTY with echo off, waits
 * for one line of input (the "go"), prints READY, the payload, DONE, then waits (so it does not exit
 * with output in flight; the bench removes the session).
 */
export function floodCommand(bash: string, payloadFile: string): string[] {
  const script = `stty -echo 2>/dev/null; IFS= read -r _; printf '%s\\n' ${READY_MARKER}; cat "$1"; printf '\\n%s\\n' ${DONE_MARKER}; IFS= read -r _`;
  return [bash, '--norc', '--noprofile', '-c', script, 'tfb-flood', payloadFile];
}

/** An endless flood (the neighbour in the keystroke-under-flood run). */
export function endlessFloodCommand(bash: string): string[] {
  const script = `stty -echo 2>/dev/null; IFS= read -r _; printf '%s\\n' ${READY_MARKER}; exec tr '\\0' a < /dev/zero`;
  return [bash, '--norc', '--noprofile', '-c', script, 'tfb-endless'];
}

/** Raw-mode echo (like a shell's line editor): every input byte comes straight back. */
export function echoCommand(bash: string): string[] {
  return [bash, '--norc', '--noprofile', '-c', `stty raw -echo; printf '%s' ${READY_MARKER}; exec cat`, 'tfb-echo'];
}

/** The late-joiner text: lines with SGR colours and UTF-8 (CJK, accents, emoji), never wider than 100 columns. */
export interface LateJoinText {
  file: string;
  bytes: number;
  lines: number;
  /** Visible text (SGR removed) of the last `count` lines. */
  lastVisible(count: number): string[];
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', '日本語', '漢字', 'テスト', '🚀', 'naïve', 'café', 'Ωmega', 'данные', 'z', 'wörter', '中文'];

export function makeLateJoinText(dir: string, targetBytes: number): LateJoinText {
  const parts: string[] = [];
  const visible: string[] = [];
  let bytes = 0;
  let i = 0;
  // Deterministic xorshift so runs are comparable.
  let seed = 0x9e3779b9;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  while (bytes < targetBytes) {
    const count = 3 + rand(6);
    let line = `${String(i).padStart(7, '0')} `;
    let text = line;
    for (let k = 0; k < count; k++) {
      const word = WORDS[rand(WORDS.length)];
      const colour = 31 + rand(7);
      const bold = rand(4) === 0 ? '\x1b[1m' : '';
      line += `${bold}\x1b[${colour}m${word}\x1b[0m `;
      text += `${word} `;
    }
    line += '\n';
    parts.push(line);
    visible.push(text.trimEnd());
    bytes += Buffer.byteLength(line);
    i++;
  }
  const file = path.join(dir, 'late-join.txt');
  const content = Buffer.from(parts.join(''), 'utf8');
  writeFileSync(file, content);
  return {
    file,
    bytes: content.length,
    lines: visible.length,
    lastVisible: (count) => visible.slice(-count),
  };
}

/**
 * A session that keeps printing at a modest rate (the "10 % printing" of the scaling run): 10
 * lines of 80 characters every 100 ms, ~8 KB/s, with bash builtins only (no fork per line; the
 * `read -t` on the terminal is the pause, nobody types).
 */
export function printerCommand(bash: string): string[] {
  const line = 'x'.repeat(72);
  const script = `n=0; while :; do for i in 0 1 2 3 4 5 6 7 8 9; do n=$((n+1)); printf '%07d %s\\n' $n '${line}'; done; IFS= read -r -t 0.1 -n 1 _; done`;
  return [bash, '--norc', '--noprofile', '-c', script, 'tfb-printer'];
}
