import { imageSize } from 'image-size';
import { z } from '../../plugin-api';
import type { Jail } from './jail';

/** Bytes read to find an image's size (headers; large EXIF blocks before a JPEG's frame may need more). */
const IMAGE_PROBE_BYTES = 512 * 1024;

export const previewSchema = z.object({
  path: z.string(),
  size: z.number().int().min(0),
  mtime: z.string(),
  /** `text`: valid UTF-8 without NUL bytes (an SVG too); `image`: a format image-size knows; `empty`; else `binary`. */
  kind: z.enum(['text', 'image', 'binary', 'empty']),
  /** The text, up to `previewMaxBytes` (cut at a character boundary). */
  text: z.string().optional(),
  /** The file is longer than the text shown. */
  truncated: z.boolean(),
  image: z.object({ type: z.string(), width: z.number().int(), height: z.number().int() }).optional(),
});
export type Preview = z.output<typeof previewSchema>;

/**
 * A small look at a file without downloading it: the start of a text file (at most `maxBytes`,
 * never more is read), or an image's type and size from its header (the `image-size` library).
 * Never the image itself: a preview is JSON, so nothing in a file can run in the page.
 */
export async function previewFile(jail: Jail, real: string, maxBytes: number, what: string): Promise<Preview> {
  const { handle, stats } = await jail.openFile(real, what);
  try {
    const base = { path: real, size: stats.size, mtime: stats.mtime.toISOString() };
    if (stats.size === 0) return { ...base, kind: 'empty', truncated: false };
    const wanted = Math.min(stats.size, Math.max(maxBytes, IMAGE_PROBE_BYTES));
    const buffer = Buffer.alloc(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await handle.read(buffer, filled, wanted - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const head = buffer.subarray(0, filled);
    // Text first: a text file may happen to start like an image header ("BM…"), an image is never valid UTF-8.
    const sample = head.subarray(0, Math.min(filled, maxBytes));
    const truncated = stats.size > sample.length;
    const text = decodeText(sample, truncated);
    if (text !== null) return { ...base, kind: 'text', text, truncated };
    const image = probeImage(head);
    return image !== null ? { ...base, kind: 'image', truncated: false, image } : { ...base, kind: 'binary', truncated: false };
  } finally {
    await handle.close();
  }
}

function probeImage(head: Buffer): { type: string; width: number; height: number } | null {
  try {
    const { type, width, height } = imageSize(head);
    return type !== undefined && Number.isInteger(width) && Number.isInteger(height) ? { type, width, height } : null;
  } catch {
    return null; // not an image format it knows, or the header is cut
  }
}

/** UTF-8 text, or `null` for binary (a NUL byte, or invalid UTF-8 before a cut's last partial character). */
function decodeText(sample: Buffer, cut: boolean): string | null {
  if (sample.includes(0)) return null;
  let end = sample.length;
  if (cut) {
    // Drop an incomplete character at the cut: up to 3 continuation bytes after a lead byte.
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1] & 0xc0) === 0x80) back++;
    const lead = sample[end - back - 1];
    const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (lead !== undefined && needed > back + 1) end -= back + 1;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
  } catch {
    return null;
  }
}
