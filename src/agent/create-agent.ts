import type { Logger, PlatformInfo } from '../plugin-api';
import type { AgentConfig } from '../kernel/config/agent-config-schema';
import { Kernel } from '../kernel/kernel';
import { builtinPlugins, FIRST_PARTY_PACKAGES } from './builtin-plugins';
import { VERSION } from './version';

export { VERSION } from './version';

export interface CreateAgentOptions {
  config: AgentConfig;
  logger: Logger;
  /** Directory configured packages resolve from (the config file's directory); default cwd. */
  configDir?: string;
  /** Simulated platform (tests). */
  platform?: PlatformInfo;
}

/** The TunnelForge agent: the kernel with the built-in plugins and the first-party packages. */
export function createAgent(options: CreateAgentOptions): Kernel {
  return new Kernel({
    config: options.config,
    builtins: builtinPlugins(),
    logger: options.logger,
    version: VERSION,
    appRoot: options.configDir ?? process.cwd(),
    softPackages: FIRST_PARTY_PACKAGES,
    platform: options.platform,
  });
}
