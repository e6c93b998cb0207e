import * as nodePty from 'node-pty';
import { wallMs, withTimeout, type FloodClientResult } from './common';
import { PayloadTracker } from './payload-tracker';

export interface RawPtyOptions {
  argv: string[];
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  expected: Buffer;
  payloadBytes: number;
  sha256: string;
  timeoutMs: number;
}

/**
 * The baseline: the same producer on node-pty directly (`encoding: null`, Buffers), in this process,
 * bytes counted and checked exactly as a WebSocket client does, from the first to the last payload
 * byte. What the agent adds on top of this is the cost of TunnelForge.
 */
export async function rawPtyRun(options: RawPtyOptions): Promise<FloodClientResult & { cpuMs: number }> {
  const tracker = new PayloadTracker(options.expected, options.payloadBytes, options.sha256);
  tracker.start(0);
  let offset = 0;
  const cpuBefore = process.cpuUsage();
  const pty = nodePty.spawn(options.argv[0], options.argv.slice(1), {
    name: 'xterm-256color',
    cols: options.cols,
    rows: options.rows,
    cwd: options.cwd,
    env: options.env,
    encoding: null,
  });
  const subscription = pty.onData((data) => {
    const chunk = data as unknown as Buffer;
    tracker.frames++;
    tracker.wireBytes += chunk.length;
    tracker.output(offset, chunk, wallMs());
    offset += chunk.length;
  });
  try {
    pty.write('\r'); // the "go" line
    await withTimeout(tracker.done, options.timeoutMs, 'raw node-pty flood');
  } catch (error) {
    tracker.fail((error as Error).message);
  } finally {
    subscription.dispose();
    try {
      pty.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { ...tracker.result(), cpuMs: (cpu.user + cpu.system) / 1000 };
}
