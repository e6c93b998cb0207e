import { cosmiconfig, type Loader } from 'cosmiconfig';
import { TypeScriptLoader } from 'cosmiconfig-typescript-loader';

const MODULE = 'tunnelforge';
const RC_EXTENSIONS = ['', '.json', '.yaml', '.yml', '.js', '.ts', '.cjs', '.mjs'];
const CONFIG_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.yaml', '.yml'];

/**
 * Where a search looks, in each directory from cwd up to the nearest one holding a package.json,
 * first match wins: the `tunnelforge` key of package.json, `.tunnelforgerc[.ext]`,
 * `.config/tunnelforgerc[.ext]`, then `tunnelforge.config.{ts,mts,cts,js,mjs,cjs,json,yaml,yml}`
 * (cosmiconfig's own order, with the extra extensions).
 */
const CONFIG_SEARCH_PLACES: readonly string[] = [
  'package.json',
  ...RC_EXTENSIONS.map((ext) => `.${MODULE}rc${ext}`),
  ...RC_EXTENSIONS.map((ext) => `.config/${MODULE}rc${ext}`),
  ...CONFIG_EXTENSIONS.map((ext) => `${MODULE}.config${ext}`),
];

/**
 * A fresh cosmiconfig explorer for `tunnelforge` (no caches: each call sees the files as they are now).
 *
 * Every module format (TypeScript and JavaScript alike) goes through jiti via
 * cosmiconfig-typescript-loader, so ESM and CJS configs behave the same under plain Node and under
 * jest (whose sandbox cannot `import()` an `.mjs` file natively).
 */
export function createConfigExplorer() {
  const moduleLoader: Loader = TypeScriptLoader({ moduleCache: false, fsCache: false });
  return cosmiconfig(MODULE, {
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    searchStrategy: 'project',
    cache: false,
    loaders: {
      '.ts': moduleLoader,
      '.mts': moduleLoader,
      '.cts': moduleLoader,
      '.js': moduleLoader,
      '.mjs': moduleLoader,
      '.cjs': moduleLoader,
    },
  });
}
