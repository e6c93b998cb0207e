import { TransportError } from './transport-error';

/**
 * Throws unless the loaded uWebSockets.js is the native binary. On an unsupported Node ABI the
 * package silently swaps in a pure-JS shim over `ws` whose custom `upgrade`, `getUserData`,
 * `onWritable` and remote addresses throw "not implemented" (see deps.md §1.4): better to refuse to
 * start than to fail on the first client. Native functions stringify as `[native code]`.
 */
export function assertNativeUws(uws: { App: unknown }): void {
  const source = typeof uws.App === 'function' ? Function.prototype.toString.call(uws.App) : '';
  if (!/\[native code\]/.test(source)) {
    throw new TransportError(
      'TF_ERR_UWS_NOT_NATIVE',
      `uWebSockets.js loaded its JavaScript fallback instead of the native binary (Node ${process.version}, ` +
        `ABI ${process.versions.modules}, ${process.platform}-${process.arch}). TunnelForge needs the native ` +
        'build: run on Node 20 (ABI 115) on a supported platform, and do not set UWS_USE_FALLBACK.',
    );
  }
}
