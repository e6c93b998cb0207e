import type { AgentConfigInput } from './agent-config-schema';

/**
 * Declare the agent config with types checked; returns it unchanged.
 *
 * ```ts
 * // tunnelforge.config.ts
 * import { defineConfig } from 'tunnelforge';
 * export default defineConfig({ port: 4020, plugins: { 'tunnel-ngrok': { enabled: false } } });
 * ```
 */
export function defineConfig(config: AgentConfigInput): AgentConfigInput {
  return config;
}
