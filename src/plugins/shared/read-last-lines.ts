import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * The last `count` complete lines of `file` (oldest first), read backwards in 64 KiB chunks so a
 * large log costs only what is shown. A missing file has none. A partial last line (being written)
 * is left out. At most `maxBytes` are read (default 8 MiB): very long lines cannot exhaust memory.
 */
export async function readLastLines(file: string, count: number, maxBytes = 8 * 1024 * 1024): Promise<string[]> {
  if (count <= 0) return [];
  return (await readLastLinesWithEnd(file, count, maxBytes)).lines;
}

/**
 * readLastLines(), and `end`: the offset just after the last complete line, where a reader that
 * follows the file continues (so it neither skips what was appended meanwhile nor repeats a line;
 * a partial last line is read there once it is complete). A missing file: no lines, end 0.
 */
export async function readLastLinesWithEnd(file: string, count: number, maxBytes = 8 * 1024 * 1024): Promise<{ lines: string[]; end: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], end: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let tail = Buffer.alloc(0);
    let newlines = 0;
    // At least up to one newline (the end of the last complete line), then up to `count` of them.
    while (position > 0 && (newlines <= count || newlines === 0) && size - position < maxBytes) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      for (const byte of chunk) if (byte === 0x0a) newlines++;
      tail = Buffer.concat([chunk, tail]);
    }
    const lastNewline = tail.lastIndexOf(0x0a);
    const end = lastNewline === -1 ? position : position + lastNewline + 1;
    if (count <= 0) return { lines: [], end };
    const text = tail.toString('utf8');
    const lines = text.split('\n');
    lines.pop(); // after the last newline: empty, or a line still being written
    if (position > 0) lines.shift(); // cut off at the start of the window
    return { lines: lines.filter((line) => line !== '').slice(-count), end };
  } finally {
    await handle.close();
  }
}
