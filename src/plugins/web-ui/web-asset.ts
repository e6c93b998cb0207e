/** One file of the built web client, held in memory with its precompressed variants. */
export interface WebAsset {
  /** URL path: `/` for index.html, `/sw.js` for the service worker, `/assets/<file>` for the rest. */
  urlPath: string;
  contentType: string;
  cacheControl: string;
  /** Content-Security-Policy sent with it (the page's, the service worker's). */
  csp?: string;
  etag: string;
  body: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
}
