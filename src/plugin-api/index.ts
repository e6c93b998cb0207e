/**
 * `tunnelforge/plugin`: the public, versioned contract for TunnelForge plugins.
 * Built-in plugins use exactly this API; nothing here exposes the kernel's DI container.
 * @packageDocumentation
 */
export { z } from 'zod';
export * from './capability';
export * from './disposable';
export * from './core-services';
export * from './define-event';
export * from './events';
export * from './session-state-events';
export * from './file-events';
export * from './power-view';
export * from './define-plugin';
export * from './power-manager';
export * from './tunnel-provider';
export * from './monitor';
export * from './authenticator';
export * from './audit-log';
export * from './session-manager';
export * from './http-routes';
export * from './ref-counted-power-manager';
export * from './process-hold-backend';
export * from './tunnel-launcher';
export * from './supervised-tunnel';
export * from './tunnel-supervision-config';
export * from './require-executable';
export * from './get-local-json';
export * from './watch-public-url';
export * from './parse-byte-range';
export * from './settings';
export * from './settings-events';
