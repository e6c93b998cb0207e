#!/usr/bin/env node
'use strict';
/**
 * Builds the browser client (src/web) into dist/web with esbuild:
 *   dist/web/assets/app-<hash>.js (+ .map)   the bundle (xterm.js included)
 *   dist/web/assets/app-<hash>.css           page styles + xterm.css
 *   dist/web/index.html                      references both; no inline script or style
 *   dist/web/sw.js                           the service worker (Web Push notifications)
 * Each asset also gets .gz and .br siblings, served to clients that accept them.
 * Every build reports the page's gzipped size (script + styles, xterm.js included) and fails when
 * it is over the budget (GZIP_BUDGET_BYTES): the page must stay quick to load on a phone.
 * Run by `npm run build`; `buildWeb({ outDir })` is used by the browser tests.
 */
const { mkdir, readdir, readFile, rm, stat, writeFile } = require('node:fs/promises');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const COMPRESSIBLE = /\.(?:js|css|html|svg)$/;
/** What the page may weigh, gzipped: its script and styles together, xterm.js included. */
const GZIP_BUDGET_BYTES = 350 * 1024;

/** @param {{ outDir?: string, minify?: boolean, quiet?: boolean, budgetBytes?: number }} [options] */
async function buildWeb(options = {}) {
  const esbuild = require('esbuild');
  const outDir = path.resolve(options.outDir ?? path.join(ROOT, 'dist', 'web'));
  const assetsDir = path.join(outDir, 'assets');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const started = Date.now();
  // What the page and the service worker are built with alike.
  const browser = {
    absWorkingDir: ROOT,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15.4'],
    minify: options.minify ?? true,
    logLevel: 'warning',
  };
  const result = await esbuild.build({
    ...browser,
    entryPoints: ['src/web/app.ts', 'src/web/app.css'],
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    tsconfig: 'src/web/tsconfig.json',
  });
  // The service worker keeps one URL (/sw.js, not content-hashed: the browser checks it for updates
  // itself) at the root, so its scope covers the whole page.
  await esbuild.build({
    ...browser,
    entryPoints: ['src/web/sw/service-worker.ts'],
    outfile: path.join(outDir, 'sw.js'),
    tsconfig: 'src/web/sw/tsconfig.json',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((file) => /^app-[\w-]+\.js$/.test(file));
  const style = outputs.find((file) => /^app-[\w-]+\.css$/.test(file));
  if (!script || !style) throw new Error(`esbuild did not produce app-<hash>.js and app-<hash>.css: ${outputs.join(', ')}`);
  await writeFile(path.join(outDir, 'index.html'), indexHtml(`/assets/${script}`, `/assets/${style}`));
  await compressAll(outDir);
  const files = await listFiles(outDir);
  const bytes = (name) => files.find((f) => f.name === name)?.size ?? 0;
  const gzipBytes = bytes(`assets/${script}.gz`) + bytes(`assets/${style}.gz`);
  const budgetBytes = options.budgetBytes ?? GZIP_BUDGET_BYTES;
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  if (!options.quiet) {
    // stderr: `npm run bench -- --json` must print nothing but its JSON on stdout.
    console.error(`web client built in ${Date.now() - started} ms: ${path.relative(process.cwd(), outDir) || '.'}/assets/${script} (${kib(bytes(`assets/${script}`))}), ${style} (${kib(bytes(`assets/${style}`))}); gzipped ${(gzipBytes / 1024).toFixed(1)} KiB of the ${kib(budgetBytes)} budget`);
  }
  if (gzipBytes > budgetBytes) {
    throw new Error(`the page is ${(gzipBytes / 1024).toFixed(1)} KiB gzipped (script + styles), over its budget of ${kib(budgetBytes)}: see what grew with esbuild's metafile (scripts/build-web.js), or raise GZIP_BUDGET_BYTES there with a reason`);
  }
  return { outDir, script, style, gzipBytes, budgetBytes };
}

function indexHtml(script, style) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content">
<meta name="color-scheme" content="dark">
<title>TunnelForge</title>
<link rel="stylesheet" href="${style}">
<script defer src="${script}"></script>
</head>
<body>
<noscript>TunnelForge needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
}

async function compressAll(dir) {
  for (const file of await listFiles(dir)) {
    if (!COMPRESSIBLE.test(file.name)) continue;
    const full = path.join(dir, file.name);
    const data = await readFile(full);
    await writeFile(`${full}.gz`, zlib.gzipSync(data, { level: 9 }));
    await writeFile(`${full}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  }
}

async function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const name = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(dir, name)));
    else out.push({ name: name.split(path.sep).join('/'), size: (await stat(path.join(dir, name))).size });
  }
  return out;
}

module.exports = { buildWeb, GZIP_BUDGET_BYTES };

if (require.main === module) {
  buildWeb().catch((error) => {
    console.error(`web client build failed: ${error.message}`);
    process.exit(1);
  });
}
