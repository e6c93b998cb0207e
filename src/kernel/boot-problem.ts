/** Stable error codes for everything that can stop the agent from booting. */
export const BootCodes = {
  pluginNotFound: 'TF_ERR_PLUGIN_NOT_FOUND',
  pluginInvalid: 'TF_ERR_PLUGIN_INVALID',
  duplicatePlugin: 'TF_ERR_DUPLICATE_PLUGIN',
  unknownPlugin: 'TF_ERR_UNKNOWN_PLUGIN',
  unknownCapability: 'TF_ERR_UNKNOWN_CAPABILITY',
  apiVersion: 'TF_ERR_API_VERSION',
  invalidConfig: 'TF_ERR_PLUGIN_CONFIG',
  missingCapability: 'TF_ERR_MISSING_CAPABILITY',
  duplicateProvider: 'TF_ERR_DUPLICATE_PROVIDER',
  cycle: 'TF_ERR_CYCLE',
  notProvided: 'TF_ERR_NOT_PROVIDED',
  undeclaredDependency: 'TF_ERR_UNDECLARED_DEPENDENCY',
  registerFailed: 'TF_ERR_REGISTER_FAILED',
  activateFailed: 'TF_ERR_ACTIVATE_FAILED',
  activateTimeout: 'TF_ERR_ACTIVATE_TIMEOUT',
  startFailed: 'TF_ERR_START_FAILED',
} as const;
export type BootCode = (typeof BootCodes)[keyof typeof BootCodes];

/** One reason the agent cannot boot. */
export interface BootProblem {
  code: BootCode;
  /** Plugin id (or package name when the package could not be loaded); null for global problems. */
  plugin: string | null;
  message: string;
  /** Config path the problem is about, e.g. `plugins.tunnel-ngrok.options.region`. */
  path?: string;
}

/** Thrown by `Kernel.start` with every problem found, never just the first. */
export class BootError extends Error {
  readonly code = 'TF_ERR_BOOT';
  constructor(readonly problems: BootProblem[]) {
    super(`boot failed with ${problems.length} problem(s):\n` + problems.map(formatProblem).join('\n'));
    this.name = 'BootError';
  }
}

/** One line per problem: `TF_ERR_X [plugin] message (at path)`. */
export function formatProblem(problem: BootProblem): string {
  const who = problem.plugin ? ` [${problem.plugin}]` : '';
  const where = problem.path ? ` (at ${problem.path})` : '';
  return `${problem.code}${who} ${problem.message}${where}`;
}
