import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { contentTypeOf } from './content-type-of';
import { PAGE_CSP, WORKER_CSP } from './page-csp';
import type { WebAsset } from './web-asset';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

async function optional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

async function load(file: string, urlPath: string, cacheControl: string, csp?: string): Promise<WebAsset> {
  const body = await readFile(file);
  return {
    urlPath,
    contentType: contentTypeOf(file),
    cacheControl,
    ...(csp === undefined ? {} : { csp }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    body,
    gzip: await optional(`${file}.gz`),
    brotli: await optional(`${file}.br`),
  };
}

/**
 * The built client (scripts/build-web.js output) read into memory: `index.html` (revalidated on
 * every load, so a new build is picked up), the service worker `sw.js` when built (revalidated too:
 * its URL must stay the same), and every file under `assets/` (content-hashed names: cached for a
 * year, immutable). `.gz`/`.br` siblings become the compressed variants.
 */
export async function readWebAssets(dir: string): Promise<WebAsset[]> {
  const assets = [await load(path.join(dir, 'index.html'), '/', REVALIDATE, PAGE_CSP)];
  if (existsSync(path.join(dir, 'sw.js'))) assets.push(await load(path.join(dir, 'sw.js'), '/sw.js', REVALIDATE, WORKER_CSP));
  const assetsDir = path.join(dir, 'assets');
  for (const entry of await readdir(assetsDir, { withFileTypes: true })) {
    if (!entry.isFile() || /\.(?:gz|br)$/.test(entry.name)) continue;
    assets.push(await load(path.join(assetsDir, entry.name), `/assets/${entry.name}`, IMMUTABLE));
  }
  return assets;
}
