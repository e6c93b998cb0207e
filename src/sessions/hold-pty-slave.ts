import * as fs from 'node:fs';

/** What node-pty 1.1.0's UnixTerminal keeps privately and holding the slave needs. */
interface UnixTerminalInternals {
  /** The slave's path (`/dev/pts/N`), from ptsname(3). */
  _pty?: unknown;
  /** Set (to true) by node-pty's exit callback, which runs when waitpid(2) reaped the child. */
  _boundClose?: unknown;
}

/** The agent's own descriptor on a PTY's slave side, see {@link holdPtySlave}. */
export interface HeldPtySlave {
  /** Close it (idempotent). Done by itself the moment the child has been reaped. */
  release(): void;
}

/**
 * Keep a PTY's slave side open from the agent for as long as the program runs.
 *
 * Without it, a program that closes its stdio (`exec </dev/null >/dev/null 2>&1`, daemons,
 * `nohup`-style wrappers) leaves no process holding the slave: the master then reads EIO, node-pty
 * takes that for the end of the session and closes the master, and the kernel hangs the terminal up:
 * SIGHUP kills the program that was still running. A terminal window does not do that (it keeps the
 * master open until the program exits), and neither does the agent while it holds the slave: the
 * master never reads EIO while the child lives, and output the program writes later (say it
 * reopens /dev/tty) still arrives.
 *
 * The end of the session then comes from the child's real state: node-pty's exit callback (its
 * waitpid thread) sets `_boundClose`; at that moment the agent lets go of the slave, so the master
 * reads the rest of the output, then EIO, and node-pty reports the exit with the real exit code
 * as before. Returns null (nothing held, node-pty's old behaviour) where that callback cannot be
 * observed (node-pty internals changed, or not a Unix PTY).
 */
export function holdPtySlave(pty: object): HeldPtySlave | null {
  const internals = pty as UnixTerminalInternals;
  if (typeof internals._pty !== 'string' || typeof internals._boundClose !== 'boolean') return null;
  let fd: number | null;
  try {
    // O_NOCTTY: the agent must never acquire the session's terminal as its own controlling terminal.
    fd = fs.openSync(internals._pty, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
  } catch {
    return null; // gone already (the program exited at once), or exclusive (TIOCEXCL)
  }
  const release = (): void => {
    if (fd === null) return;
    const held = fd;
    fd = null;
    try {
      fs.closeSync(held);
    } catch {
      /* already closed */
    }
  };
  let bound = internals._boundClose;
  Object.defineProperty(pty, '_boundClose', {
    configurable: true,
    enumerable: true,
    get: () => bound,
    set: (value: boolean) => {
      bound = value;
      // node-pty's exit callback: the child has been reaped. Close our slave right away, so the
      // master reads EIO after the last output and node-pty reports the exit without waiting.
      if (value) release();
    },
  });
  return { release };
}
