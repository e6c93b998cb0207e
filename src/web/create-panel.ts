import { canSee, NAV_ENTRIES } from './app-nav';
import { MonitoringPanel } from './monitoring-panel';
import type { Panel, PanelContext } from './panel';
import { PluginsPanel } from './plugins-panel';
import { PowerPanel } from './power-panel';
import { RemoteAccessPanel } from './remote-access-panel';
import type { PanelName } from './route';
import { SharingPanel } from './sharing-panel';
import { TokensPanel } from './tokens-panel';

const PANELS: Record<PanelName, (ctx: PanelContext) => Panel> = {
  remote: (ctx) => new RemoteAccessPanel(ctx),
  power: (ctx) => new PowerPanel(ctx),
  monitor: (ctx) => new MonitoringPanel(ctx),
  sharing: (ctx) => new SharingPanel(ctx),
  tokens: (ctx) => new TokensPanel(ctx),
  plugins: (ctx) => new PluginsPanel(ctx),
};

/** The panel for `name`, or null when the principal's role may not see that section. */
export function createPanel(name: PanelName, ctx: PanelContext): Panel | null {
  const entry = NAV_ENTRIES.find((e) => e.key === name);
  if (entry === undefined || !canSee(ctx.principal.role, entry)) return null;
  return PANELS[name](ctx);
}
