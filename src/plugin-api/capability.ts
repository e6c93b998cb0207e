/**
 * A typed token naming a service in the agent: a capability that plugins provide
 * (`PowerManager`, `TunnelProvider`, ...) or a core service the kernel provides (`Logger`, `Clock`, ...).
 *
 * Tokens are compared by {@link Token.id}, never by object identity, so a plugin compiled against
 * another copy of `tunnelforge/plugin` still talks to the agent that loads it.
 *
 * @typeParam T - the interface of the service behind the token (type-level only).
 */
export interface Token<T> {
  /** Stable, unique name, e.g. `"PowerManager"`. */
  readonly id: string;
  /** `capability`: provided by plugins. `core`: provided by the kernel to every plugin. */
  readonly kind: 'capability' | 'core';
  /**
   * For capabilities: `false` (single) means at most one active provider in an agent; two active
   * providers are a boot error unless config picks one. `true` (multiple) means any number, read
   * as a list (`ctx.getAll`), in the order config gives or else load order.
   */
  readonly multiple: boolean;
  /** Phantom field that carries `T`; never set at runtime. */
  readonly __type?: T;
}

/** A token for a service that plugins provide. */
export type CapabilityToken<T> = Token<T> & { readonly kind: 'capability' };

/** A capability with any number of providers; as a `deps` entry it resolves to an array. */
export type MultipleCapabilityToken<T> = CapabilityToken<T> & { readonly multiple: true };

/** What a `deps` entry resolves to: the service, or an array of them for a multiple capability. */
export type DepOf<K> = K extends { readonly multiple: true } ? ServiceOf<K>[] : ServiceOf<K>;

/** The service type behind a token. */
export type ServiceOf<K> = K extends Token<infer T> ? T : never;

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9.-]*$/;

/**
 * Declare a capability token. Third-party plugins may declare their own capabilities
 * (use a namespaced id such as `"acme.Backup"`); the built-in ones are exported from this module.
 */
export function defineCapability<T>(id: string, options: { multiple: true }): MultipleCapabilityToken<T>;
export function defineCapability<T>(id: string, options?: { multiple?: false }): CapabilityToken<T>;
export function defineCapability<T>(id: string, options: { multiple?: boolean } = {}): CapabilityToken<T> {
  if (!ID_PATTERN.test(id)) throw new TypeError(`invalid capability id "${id}"`);
  return Object.freeze({ id, kind: 'capability' as const, multiple: options.multiple ?? false });
}

/** @internal Declare a core-service token (kernel-provided). */
export function defineCoreService<T>(id: string): Token<T> {
  return Object.freeze({ id, kind: 'core' as const, multiple: false });
}
