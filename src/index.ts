/**
 * `tunnelforge`: the package root, for users' config files (`import { defineConfig } from 'tunnelforge'`).
 * Plugin authors import `tunnelforge/plugin` instead.
 * @packageDocumentation
 */
export { defineConfig } from './kernel/config/define-config';
export type { AgentConfig, AgentConfigInput, PluginSettings } from './kernel/config/agent-config-schema';
