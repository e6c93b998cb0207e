/** One file of the built web client, held in memory with its precompressed variants. */
export interface WebAsset {
  /** URL path: `/` for index.html, `/assets/<file>` for the rest. */
  urlPath: string;
  contentType: string;
  cacheControl: string;
  etag: string;
  body: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
}
