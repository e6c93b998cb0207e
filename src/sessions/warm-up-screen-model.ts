import { SystemClock } from '../kernel/core/system-clock';
import { OutputRing } from './output-ring';
import { ResizeLog } from './resize-log';
import { ScreenModel } from './screen-model';

/** Passes over sample output, one per event-loop turn. */
const PASSES = 8;
let warmed = false;

/** Typical terminal output: SGR colours, bold, wide and combining UTF-8, line wraps, erases, cursor moves. */
function sample(pass: number): Buffer {
  let text = '';
  for (let i = 0; i < 100; i++) {
    text += `\x1b[3${(i + pass) % 8}m${String(i).padStart(5, '0')}\x1b[0m \x1b[1mbuild\x1b[22m 日本語 café naïve 🚀 ` +
      `${'─'.repeat(i % 7)}${'x'.repeat(i % 90)}\x1b[K\r\n`;
    if (i % 50 === 0) text += '\x1b[s\x1b[1;1H\x1b[7m status \x1b[27m\x1b[u';
  }
  return Buffer.from(text, 'utf8');
}

/**
 * Run the screen model on sample output, so that the first real snapshot (a late joiner right
 * after the agent started) does not pay for V8 compiling the emulator's parser and the serializer:
 * cold, a snapshot after 10 MiB of output took ~45 ms, warm ~15 ms. Once per process, in small
 * passes on separate event-loop turns (in one go it blocked the loop for 50-100 ms at start).
 * Returns a function that stops it (at shutdown).
 */
export function warmUpScreenModel(): () => void {
  if (warmed) return () => undefined;
  warmed = true;
  const ring = new OutputRing(1024 * 1024);
  const model = new ScreenModel(ring, new ResizeLog(100, 30), { scrollback: 100, maxSnapshotBytes: 256 * 1024, idleMs: 0 }, new SystemClock());
  let timer: NodeJS.Timeout | null = null;
  const pass = (n: number): void => {
    timer = null;
    try {
      ring.append(sample(n));
      model.snapshot();
      model.text();
    } catch {
      n = PASSES; // a warm-up that fails is no warm-up; the real snapshot reports real problems
    }
    if (n + 1 >= PASSES) return model.dispose();
    timer = setTimeout(pass, 0, n + 1);
    timer.unref();
  };
  timer = setTimeout(pass, 0, 0);
  timer.unref();
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    model.dispose();
  };
}
