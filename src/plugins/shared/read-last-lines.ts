import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * The last `count` complete lines of `file` (oldest first), read backwards in 64 KiB chunks so a
 * large log costs only what is shown. A missing file has none. A partial last line (being written)
 * is left out. At most `maxBytes` are read (default 8 MiB): very long lines cannot exhaust memory.
 */
export async function readLastLines(file: string, count: number, maxBytes = 8 * 1024 * 1024): Promise<string[]> {
  if (count <= 0) return [];
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let tail = Buffer.alloc(0);
    let newlines = 0;
    while (position > 0 && newlines <= count && size - position < maxBytes) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      for (const byte of chunk) if (byte === 0x0a) newlines++;
      tail = Buffer.concat([chunk, tail]);
    }
    const text = tail.toString('utf8');
    const lines = text.split('\n');
    lines.pop(); // after the last newline: empty, or a line still being written
    if (position > 0) lines.shift(); // cut off at the start of the window
    return lines.filter((line) => line !== '').slice(-count);
  } finally {
    await handle.close();
  }
}
