import { SystemClock } from '../../src/kernel/core/system-clock';
import { PtySession, type PtyExit } from '../../src/sessions/pty-session';
import { BASH } from '../helpers/sessions-harness';
import { waitFor } from '../helpers/wait-for';

const clock = new SystemClock();
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', HOME: process.env.HOME ?? '/' };

interface Run {
  pty: PtySession;
  output: () => Buffer;
  exited: Promise<PtyExit>;
}

function run(script: string, args: string[] = [], setup?: (pty: PtySession) => void): Run {
  const chunks: Buffer[] = [];
  let resolveExit!: (exit: PtyExit) => void;
  const exited = new Promise<PtyExit>((resolve) => (resolveExit = resolve));
  const pty = new PtySession({
    file: BASH[0], args: [...BASH.slice(1), '-c', script, 'tf-test', ...args], cwd: '/', env, cols: 80, rows: 24, clock,
    onData: (chunk) => chunks.push(chunk),
    onExit: (exit) => resolveExit(exit),
  });
  setup?.(pty);
  return { pty, output: () => Buffer.concat(chunks), exited };
}

/** Printable bytes only: no \n, which the line discipline would turn into \r\n. */
function payload(size: number, seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  let out = '';
  for (let i = 0; i < size; i++) out += alphabet[(i * 31 + seed * 7 + (i >> 5)) % alphabet.length];
  return out;
}

describe('PtySession', () => {
  it('delivers a paused PTY\'s whole output at exit (node-pty would drop it when it closes the socket)', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const text = payload(5120, i);
      const r = run('printf "%s" "$1"; exit 5', [text], (pty) => pty.pause());
      const exit = await r.exited;
      return { ok: r.output().toString() === text, exit };
    }));
    expect(results.filter((r) => !r.ok)).toHaveLength(0);
    for (const r of results) expect(r.exit).toEqual({ exitCode: 5, signal: null });
  });

  it('delivers every byte of a 2 MB write followed by an immediate exit', async () => {
    // libuv takes POLLHUP after a short PTY read as EOF while the kernel still holds output.
    for (let i = 0; i < 6; i++) {
      const r = run('head -c 2000000 /dev/zero | tr "\\0" x; exit 0');
      const exit = await r.exited;
      expect(exit.exitCode).toBe(0);
      expect(r.output().length).toBe(2_000_000);
    }
  });

  it('writes a keystroke to the PTY in the same turn (node-pty would queue it for its thread pool)', async () => {
    const r = run('stty raw -echo; printf R; exec cat');
    try {
      await waitFor(() => r.output().toString() === 'R', 'raw mode');
      const queue = (r.pty as unknown as { pty: { _writeStream: { _writeQueue: unknown[] } } }).pty._writeStream._writeQueue;
      expect(r.pty.write('k')).toBe(true);
      expect(queue).toHaveLength(0); // written, not waiting for fs.write's callback
      await waitFor(() => r.output().toString() === 'Rk', 'echo');
    } finally {
      r.pty.kill('SIGKILL');
      await r.exited;
    }
  });

  it('a paste larger than the PTY takes at once arrives whole and in order (the rest waits in the queue)', async () => {
    // Written once the PTY is raw (R), while cat has not started reading (300 ms): the PTY's input
    // buffer fills and the direct write stops at EAGAIN; the rest must follow in order.
    const r = run('stty raw -echo; printf R; sleep 0.3; exec cat');
    try {
      await waitFor(() => r.output().toString() === 'R', 'raw mode');
      const pieces = Array.from({ length: 16 }, (_, i) => payload(16 * 1024, i));
      for (const piece of pieces) expect(r.pty.write(piece)).toBe(true);
      const expected = 'R' + pieces.join('');
      await waitFor(() => r.output().length >= expected.length, 'the whole paste echoed', 20_000);
      expect(r.output().toString()).toBe(expected);
    } finally {
      r.pty.kill('SIGKILL');
      await r.exited;
    }
  });

  it('guards every call after exit: resize, write, pause, kill return false and never throw', async () => {
    const r = run('exit 0');
    await r.exited;
    expect(r.pty.exited).toBe(true);
    expect(r.pty.resize(100, 40)).toBe(false);
    expect(r.pty.write('echo hi\r')).toBe(false);
    expect(() => r.pty.pause()).not.toThrow();
    expect(() => r.pty.resume()).not.toThrow();
    expect(r.pty.kill('SIGTERM')).toBe(false);
    expect(() => r.pty.dispose()).not.toThrow();
  });

  it('resizes a live PTY (the program sees the new size)', async () => {
    const r = run('read -r _; stty size; exit 0');
    expect(r.pty.resize(101, 41)).toBe(true);
    r.pty.write('\r');
    await r.exited;
    expect(r.output().toString()).toContain('41 101');
  });

  it('records the signal name (and no exit code) when a signal ends the process', async () => {
    const r = run('echo ready; exec sleep 30');
    await waitFor(() => r.output().toString().includes('ready'), 'ready');
    expect(r.pty.kill('SIGTERM')).toBe(true);
    expect(await r.exited).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });
});
