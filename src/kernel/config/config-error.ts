/** One thing wrong with the config, located by its dotted path (`plugins.tunnel-ngrok.enabled`). */
export interface ConfigIssue {
  /** Dotted path into the config (`port`, `plugins.tunnel-ngrok.enabled`, `packages[1]`); `""` for the whole file. */
  path: string;
  message: string;
}

export type ConfigErrorCode = 'TF_ERR_CONFIG_NOT_FOUND' | 'TF_ERR_CONFIG_LOAD' | 'TF_ERR_CONFIG_INVALID';

/**
 * The config could not be used: the named file is missing (`TF_ERR_CONFIG_NOT_FOUND`), a file could
 * not be read or evaluated (`TF_ERR_CONFIG_LOAD`), or the result does not validate
 * (`TF_ERR_CONFIG_INVALID`, with every issue, never just the first).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    /** The config file involved, or `null` when none was found (env/flags/defaults only). */
    readonly filepath: string | null,
    readonly issues: ConfigIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(issues.length ? `${message}\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}` : message, options);
  }
}
