// The package's core entry must run in browsers: bundled for a browser, it may not reach a Node
// built-in or the `ws` package (those live in @tunnelforge/client/node). The web page bundles it
// the same way, and the browser tests (test/e2e) run it in Chromium.
import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

it('bundles @tunnelforge/client for a browser without Node built-ins or ws', async () => {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['packages/client/src/index.ts'],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.filter((input) => /(^|\/)node_modules\/ws\/|^node:/.test(input))).toEqual([]);
  expect(inputs).toContain('packages/client/src/terminal/terminal-connection.ts');
  expect(result.outputFiles[0].text).not.toMatch(/\brequire\(["'](node:)?(fs|os|path|crypto|net|http|events)["']\)/);
});
