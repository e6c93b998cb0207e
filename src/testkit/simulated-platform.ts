import type { Platform, PlatformInfo } from '../plugin-api';
import { findExecutable } from '../kernel/core/node-platform-info';

export interface SimulatedPlatformOptions {
  platform: Platform;
  arch?: string;
  release?: string;
  hostname?: string;
  /**
   * Fixed answers for `which` (`null` = not installed). Commands not listed are looked up on the
   * real PATH (`searchPath`, default `process.env.PATH`), so fake executables placed there are found.
   */
  executables?: Record<string, string | null>;
  searchPath?: string;
}

/** A `PlatformInfo` that claims to be another OS, so darwin/win32 plugins can be tested on Linux. */
export class SimulatedPlatform implements PlatformInfo {
  readonly platform: Platform;
  readonly arch: string;
  readonly release: string;
  readonly hostname: string;

  constructor(private readonly options: SimulatedPlatformOptions) {
    this.platform = options.platform;
    this.arch = options.arch ?? 'x64';
    this.release = options.release ?? 'simulated';
    this.hostname = options.hostname ?? 'simulated-host';
  }

  async which(command: string): Promise<string | null> {
    const fixed = this.options.executables;
    if (fixed && Object.prototype.hasOwnProperty.call(fixed, command)) return fixed[command] ?? null;
    return findExecutable(command, this.options.searchPath ?? process.env.PATH ?? '');
  }
}
