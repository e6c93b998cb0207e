import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { definePlugin, HttpRoutes } from '../../plugin-api';
import { defaultWebDir } from './default-web-dir';
import { readWebAssets } from './read-web-assets';
import { serveWebAsset } from './serve-web-asset';
import { webUiConfigSchema, type WebUiConfig } from './web-ui-config';

/** The routes of an active web-ui, per server. */
function webDir(config: WebUiConfig): string {
  return config.dir !== undefined ? path.resolve(config.dir) : defaultWebDir();
}

/**
 * The browser client (src/web, built by `npm run build` into dist/web): `GET /`, the service worker `GET /sw.js` and the
 * content-hashed `/assets/*`, public (the page itself holds no data; it logs in through the API).
 * Skipped, with the reason, when the client has not been built.
 */
export default definePlugin({
  id: 'web-ui',
  apiVersion: 1,
  description: 'The web client at / (terminal in the browser)',
  requires: [HttpRoutes],
  config: webUiConfigSchema,
  detect({ config }) {
    const dir = webDir(config);
    return existsSync(path.join(dir, 'index.html')) ? true : `web client not built: run npm run build (no index.html in ${dir})`;
  },
  async activate(ctx) {
    const dir = webDir(ctx.config);
    const assets = await readWebAssets(dir);
    const http = ctx.get(HttpRoutes);
    for (const asset of assets) {
      ctx.onDispose(http.add({
        method: 'GET',
        path: asset.urlPath,
        access: 'public',
        // Static files, not API operations: served, but left out of the OpenAPI description.
        doc: false,
        handler: (request) => serveWebAsset(asset, request),
      }));
    }
    ctx.log.debug('web client served', { dir, files: assets.length });
  },
});
