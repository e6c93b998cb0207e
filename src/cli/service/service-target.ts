import { existsSync } from 'node:fs';
import path from 'node:path';

/** What the service runs: this Node, this install's CLI, with the config and data dir in force now. */
export interface ServiceTarget {
  /** Absolute path of the Node executable. */
  node: string;
  /** Absolute path of `bin/tunnelforge.js`. */
  cli: string;
  /** `start` and its flags (config file, data dir), each one argv entry. */
  args: string[];
  /** Working directory: where the config was found, so relative package names resolve the same. */
  workingDirectory: string;
  dataDir: string;
  /** `<dataDir>/logs`: the agent's rotating log, and the service manager's capture of stderr. */
  logsDir: string;
}

/** The package root of this tunnelforge install (the folder with `bin/tunnelforge.js`). */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'bin', 'tunnelforge.js')) && existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find bin/tunnelforge.js above ${from}`);
    dir = parent;
  }
}

/** The target for a config found at `configFile` (or none: defaults and the data dir only). */
export function serviceTarget(options: { configFile: string | null; dataDir: string; cwd: string; node?: string; root?: string }): ServiceTarget {
  const cli = path.join(options.root ?? packageRoot(), 'bin', 'tunnelforge.js');
  const dataDir = path.resolve(options.dataDir);
  const args = ['start', ...(options.configFile ? ['--config', path.resolve(options.configFile)] : []), '--data-dir', dataDir];
  return {
    node: options.node ?? process.execPath,
    cli,
    args,
    workingDirectory: options.configFile ? path.dirname(path.resolve(options.configFile)) : path.resolve(options.cwd),
    dataDir,
    logsDir: path.join(dataDir, 'logs'),
  };
}
