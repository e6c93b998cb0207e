import { Container, ContainerModule } from 'inversify';
import type { ServiceProvider, Token } from '../plugin-api';

type AnyProvider = ServiceProvider<unknown, Record<string, Token<unknown>>>;

/** One provider a plugin registered, with how to build its deps. */
export interface ProviderBinding {
  token: Token<unknown>;
  provider: AnyProvider;
  resolveDeps: () => Record<string, unknown>;
}

/**
 * Capability implementations in an inversify container, one `ContainerModule` per plugin: loading
 * the module binds exactly that plugin's services (each a lazy singleton), unloading it (the plugin
 * failed or stopped) unbinds exactly them, so a withdrawn plugin's services can never be resolved
 * again. The registry keeps, per capability, which plugins provide it in the configured order;
 * inversify stays behind this class (plugins never see the container).
 */
export class ServiceRegistry {
  private readonly container = new Container({ defaultScope: 'Singleton' });
  private readonly modules = new Map<string, ContainerModule>();
  /** Capability id → providing plugin ids, in the order `getAll` returns them. */
  private readonly providers = new Map<string, string[]>();
  private readonly order = new Map<string, string[]>();

  /** Bind every provider of `pluginId` (one container module). A plugin loads at most once. */
  load(pluginId: string, bindings: readonly ProviderBinding[]): void {
    if (this.modules.has(pluginId)) throw new Error(`services of plugin "${pluginId}" are already loaded`);
    const module = new ContainerModule(({ bind }) => {
      for (const { token, provider, resolveDeps } of bindings) {
        bind(serviceId(token.id, pluginId)).toDynamicValue(() => provider.create(resolveDeps() as never));
      }
    });
    this.container.loadSync(module);
    this.modules.set(pluginId, module);
    for (const { token } of bindings) {
      const list = this.providers.get(token.id) ?? [];
      list.push(pluginId);
      this.providers.set(token.id, list);
      this.sort(token.id);
    }
  }

  /** Withdraw every service of a plugin (it failed or stopped). Idempotent. */
  unload(pluginId: string): void {
    const module = this.modules.get(pluginId);
    if (!module) return;
    this.modules.delete(pluginId);
    this.container.unloadSync(module);
    for (const [tokenId, list] of this.providers) this.providers.set(tokenId, list.filter((id) => id !== pluginId));
  }

  /** Order multiple providers as the capability graph decided. */
  setOrder(tokenId: string, pluginIds: string[]): void {
    this.order.set(tokenId, pluginIds);
    this.sort(tokenId);
  }

  has(tokenId: string): boolean {
    return this.providerIds(tokenId).length > 0;
  }

  /** The first active provider's service, or undefined. */
  tryGet<T>(tokenId: string): T | undefined {
    const pluginId = this.providerIds(tokenId)[0];
    return pluginId === undefined ? undefined : this.container.get<T>(serviceId(tokenId, pluginId));
  }

  getAll<T>(tokenId: string): T[] {
    return this.providerIds(tokenId).map((pluginId) => this.container.get<T>(serviceId(tokenId, pluginId)));
  }

  /** Plugin ids with an active provider for the token, in order. */
  providerIds(tokenId: string): string[] {
    return this.providers.get(tokenId) ?? [];
  }

  private sort(tokenId: string): void {
    const order = this.order.get(tokenId);
    const list = this.providers.get(tokenId);
    if (order && list) list.sort((a, b) => rank(order, a) - rank(order, b));
  }
}

/** Service identifiers are strings, so a module's bindings are found again by (capability, plugin). */
function serviceId(tokenId: string, pluginId: string): string {
  return `${tokenId}@${pluginId}`;
}

function rank(order: readonly string[], pluginId: string): number {
  const index = order.indexOf(pluginId);
  return index === -1 ? order.length : index;
}
