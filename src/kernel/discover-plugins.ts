import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { PluginDefinition } from '../plugin-api';
import { BootCodes, type BootProblem } from './boot-problem';
import type { PluginSource } from './plugin-record';

/** A plugin definition found by discovery, before gating. */
export interface DiscoveredPlugin {
  definition: PluginDefinition<unknown>;
  package: string | null;
  source: PluginSource;
}

export interface DiscoveryInput {
  builtins: readonly PluginDefinition<unknown>[];
  /** Packages named in config: missing ones are boot problems. */
  packages: readonly string[];
  /** First-party packages loaded when installed: missing ones are skipped with a reason. */
  softPackages: readonly string[];
  /** Scan the app's own package.json dependencies for `tunnelforge-plugin-*`. */
  discover: boolean;
  /** Directory whose package.json and node_modules define "the app" (never global node_modules). */
  appRoot: string;
}

export interface DiscoveryResult {
  plugins: DiscoveredPlugin[];
  /** Soft packages that are not installed, with the reason shown by `plugins ls`. */
  missingSoft: { package: string; reason: string }[];
  problems: BootProblem[];
}

const PLUGIN_PACKAGE = /^(@[a-z0-9][\w.-]*\/)?tunnelforge-plugin-[\w.-]+$/i;

/** Builtins, configured packages, installed first-party packages and (opt-in) the app's own deps. */
export function discoverPlugins(input: DiscoveryInput): DiscoveryResult {
  const result: DiscoveryResult = { plugins: [], missingSoft: [], problems: [] };
  for (const definition of input.builtins) result.plugins.push({ definition, package: null, source: 'builtin' });

  const appRequire = createRequire(path.join(path.resolve(input.appRoot), 'noop.js'));
  const selfRequire = createRequire(__filename);
  const seen = new Set<string>();
  const load = (name: string, source: PluginSource, req: NodeRequire, soft: boolean) => {
    if (seen.has(name)) return;
    seen.add(name);
    const loaded = loadPluginPackage(name, req);
    if ('definition' in loaded) {
      result.plugins.push({ definition: loaded.definition, package: name, source });
    } else if (soft && loaded.code === BootCodes.pluginNotFound) {
      result.missingSoft.push({ package: name, reason: `package ${name} is not installed` });
    } else {
      result.problems.push({ code: loaded.code, plugin: name, message: loaded.message });
    }
  };

  for (const name of input.packages) load(name, 'package', appRequire, false);
  if (input.discover) {
    for (const name of appDependencyNames(input.appRoot).filter((n) => PLUGIN_PACKAGE.test(n))) load(name, 'discovered', appRequire, false);
  }
  for (const name of input.softPackages) {
    // Resolve from the app first, then from the agent's own install.
    if (canResolve(name, appRequire)) load(name, 'package', appRequire, true);
    else load(name, 'package', selfRequire, true);
  }
  return result;
}

function canResolve(name: string, req: NodeRequire): boolean {
  try {
    req.resolve(name);
    return true;
  } catch {
    return false;
  }
}

function appDependencyNames(appRoot: string): string[] {
  const file = path.join(appRoot, 'package.json');
  if (!existsSync(file)) return [];
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
    return [...new Set([pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {})))].sort();
  } catch {
    return [];
  }
}

type LoadResult = { definition: PluginDefinition<unknown> } | { code: BootProblem['code']; message: string };

/** Require a plugin package and check that its default export looks like a plugin definition. */
export function loadPluginPackage(name: string, req: NodeRequire): LoadResult {
  let mod: unknown;
  try {
    mod = req(name);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${name}'`)) {
      // Node says "Cannot find module" both when the package is absent and when it has no entry point.
      const installedAt = installedPackageDir(name, req);
      if (installedAt !== null) {
        return { code: BootCodes.pluginInvalid, message: `plugin package "${name}" (at ${installedAt}) has no entry point: set "main" or "exports" in its package.json, or build it` };
      }
      return { code: BootCodes.pluginNotFound, message: `plugin package "${name}" is not installed (npm install ${name})` };
    }
    return { code: BootCodes.pluginInvalid, message: `plugin package "${name}" failed to load: ${err.message}` };
  }
  const candidate = (mod && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : mod) as Partial<PluginDefinition<unknown>> | undefined;
  const problem = definitionProblem(candidate);
  if (problem) return { code: BootCodes.pluginInvalid, message: `plugin package "${name}" ${problem}` };
  return { definition: candidate as PluginDefinition<unknown> };
}

/** The directory of an installed package as `req` would find it, or null when it is not installed. */
function installedPackageDir(name: string, req: NodeRequire): string | null {
  for (const dir of req.resolve.paths(name) ?? []) {
    if (existsSync(path.join(dir, name, 'package.json'))) return path.join(dir, name);
  }
  return null;
}

/** Why a value is not a plugin definition, or null when it is one. */
export function definitionProblem(candidate: Partial<PluginDefinition<unknown>> | undefined): string | null {
  if (!candidate || typeof candidate !== 'object') return 'has no default export created with definePlugin()';
  if (typeof candidate.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(candidate.id)) return 'exports a plugin without a valid kebab-case "id"';
  if (typeof candidate.apiVersion !== 'number') return `exports plugin "${candidate.id}" without a numeric "apiVersion"`;
  for (const key of ['detect', 'register', 'activate', 'start', 'deactivate'] as const) {
    if (candidate[key] !== undefined && typeof candidate[key] !== 'function') return `exports plugin "${candidate.id}" whose "${key}" is not a function`;
  }
  for (const key of ['provides', 'requires', 'optional'] as const) {
    const list = candidate[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((t) => !t || typeof t.id !== 'string'))) {
      return `exports plugin "${candidate.id}" whose "${key}" is not a list of capability tokens`;
    }
  }
  return null;
}
