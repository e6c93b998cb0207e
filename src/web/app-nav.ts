import { h } from './dom';
import type { Principal } from './principal';
import type { PanelName } from './route';

type Role = Principal['role'];
const RANK: Record<Role, number> = { viewer: 0, writer: 1, admin: 2 };

/** One entry of the navigation: where it goes and the least role whose routes it needs. */
export interface NavEntry {
  key: 'list' | PanelName | (string & {});
  label: string;
  hash: string;
  minRole: Role;
}

/**
 * The page's sections in order. Entries above the viewer's role are not shown at all: their routes
 * would answer 403 (sharing needs writer, tokens and plugins admin). Other sections add theirs here.
 */
export const NAV_ENTRIES: NavEntry[] = [
  { key: 'list', label: 'Sessions', hash: '#/', minRole: 'viewer' },
  { key: 'remote', label: 'Remote access', hash: '#/remote', minRole: 'viewer' },
  { key: 'power', label: 'Power', hash: '#/power', minRole: 'viewer' },
  { key: 'monitor', label: 'Monitoring', hash: '#/monitor', minRole: 'viewer' },
  { key: 'sharing', label: 'Sharing', hash: '#/sharing', minRole: 'writer' },
  { key: 'tokens', label: 'Tokens', hash: '#/tokens', minRole: 'admin' },
  { key: 'plugins', label: 'Plugins', hash: '#/plugins', minRole: 'admin' },
  { key: 'settings', label: 'Settings', hash: '#/settings', minRole: 'admin' },
];

/** Whether `role` may see `entry`. */
export function canSee(role: Role, entry: Pick<NavEntry, 'minRole'>): boolean {
  return RANK[role] >= RANK[entry.minRole];
}

/** The compact navigation bar: plain links (keyboard and middle-click work), the current one marked. */
export function appNav(principal: Principal, current: NavEntry['key']): HTMLElement {
  return h('nav', { class: 'app-nav', 'aria-label': 'Sections' },
    ...NAV_ENTRIES.filter((entry) => canSee(principal.role, entry)).map((entry) =>
      h('a', { href: entry.hash, 'data-nav': entry.key, 'aria-current': entry.key === current ? 'page' : null }, entry.label)),
  );
}
