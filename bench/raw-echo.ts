import * as nodePty from 'node-pty';
import { performance } from 'node:perf_hooks';
import { READY_MARKER, sleep, withTimeout } from './common';

/**
 * The keystroke floor: the same raw-mode `cat` echo driven through node-pty directly, in this
 * process (no WebSocket, no agent code): what the PTY and the scheduler cost on this machine.
 * Kept open across rounds so its rounds can be interleaved with the WebSocket rounds.
 */
export class RawEcho {
  private pending: { byte: number; sentAt: number; resolve: (rtt: number) => void } | null = null;
  private readonly pty: nodePty.IPty;
  private readonly ready: Promise<void>;

  constructor(options: { argv: string[]; cwd: string; env: Record<string, string> }) {
    this.pty = nodePty.spawn(options.argv[0], options.argv.slice(1), { name: 'xterm-256color', cols: 120, rows: 40, cwd: options.cwd, env: options.env, encoding: null });
    let seen = '';
    let isReady = false;
    let markReady!: () => void;
    this.ready = new Promise<void>((resolve) => (markReady = resolve));
    this.pty.onData((data) => {
      const at = performance.now();
      const chunk = data as unknown as Buffer;
      if (!isReady) {
        seen += chunk.toString('latin1');
        if (seen.includes(READY_MARKER)) {
          isReady = true;
          markReady();
        }
        return;
      }
      for (const byte of chunk) {
        const pending = this.pending;
        if (pending !== null && byte === pending.byte) {
          this.pending = null;
          pending.resolve(at - pending.sentAt);
        }
      }
    });
  }

  async open(): Promise<void> {
    await withTimeout(this.ready, 10_000, 'raw echo ready');
  }

  async round(samples: number, intervalMs: number, seq: number): Promise<{ rtts: number[]; timeouts: number }> {
    const rtts: number[] = [];
    let timeouts = 0;
    const started = performance.now();
    for (let i = 0; i < samples; i++) {
      const wait = started + i * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      const byte = 0x61 + ((seq + i) % 26);
      const echoed = new Promise<number>((resolve) => {
        this.pending = { byte, sentAt: performance.now(), resolve };
      });
      this.pty.write(Buffer.of(byte));
      let timer: NodeJS.Timeout | undefined;
      const rtt = await Promise.race([echoed, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), 2000)))]);
      clearTimeout(timer);
      if (rtt < 0) {
        timeouts++;
        this.pending = null;
      } else rtts.push(rtt);
    }
    return { rtts, timeouts };
  }

  close(): void {
    try {
      this.pty.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}
