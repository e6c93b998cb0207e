import { Container } from 'inversify';
import type { ServiceProvider, Token } from '../plugin-api';

type AnyProvider = ServiceProvider<unknown, Record<string, Token<unknown>>>;

/**
 * Capability implementations, held in an inversify container. Each provider gets its own binding
 * (constructed lazily, once); the registry keeps which providers are active and in what order, so a
 * failed plugin's services disappear from `get`/`getAll`. Inversify stays behind this class.
 */
export class ServiceRegistry {
  private readonly container = new Container({ defaultScope: 'Singleton' });
  private readonly bindings = new Map<string, { pluginId: string; id: symbol; active: boolean }[]>();

  /** Bind `provider` for `token` on behalf of `pluginId`; `resolveDeps` builds its deps object. */
  bind(pluginId: string, token: Token<unknown>, provider: AnyProvider, resolveDeps: () => Record<string, unknown>): void {
    const id = Symbol(`${token.id}@${pluginId}`);
    this.container.bind(id).toDynamicValue(() => provider.create(resolveDeps() as never));
    const list = this.bindings.get(token.id) ?? [];
    list.push({ pluginId, id, active: true });
    this.bindings.set(token.id, list);
  }

  /** Order multiple providers as the capability graph decided. */
  setOrder(tokenId: string, pluginIds: string[]): void {
    const list = this.bindings.get(tokenId);
    if (list) list.sort((a, b) => pluginIds.indexOf(a.pluginId) - pluginIds.indexOf(b.pluginId));
  }

  /** Withdraw every service of a plugin (it failed or stopped). */
  deactivatePlugin(pluginId: string): void {
    for (const list of this.bindings.values()) for (const b of list) if (b.pluginId === pluginId) b.active = false;
  }

  has(tokenId: string): boolean {
    return (this.bindings.get(tokenId) ?? []).some((b) => b.active);
  }

  /** The first active provider's service, or undefined. */
  tryGet<T>(tokenId: string): T | undefined {
    const binding = (this.bindings.get(tokenId) ?? []).find((b) => b.active);
    return binding ? this.container.get<T>(binding.id) : undefined;
  }

  getAll<T>(tokenId: string): T[] {
    return (this.bindings.get(tokenId) ?? []).filter((b) => b.active).map((b) => this.container.get<T>(b.id));
  }

  /** Plugin ids with an active provider for the token. */
  providerIds(tokenId: string): string[] {
    return (this.bindings.get(tokenId) ?? []).filter((b) => b.active).map((b) => b.pluginId);
  }
}
