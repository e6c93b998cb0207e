import type { ApiClient } from './api-client';
import type { AgentEvent } from './event-feed';
import type { Principal } from './principal';

/** What every panel gets: the API and who is looking (panels hide the controls the role cannot use). */
export interface PanelContext {
  api: ApiClient;
  principal: Principal;
}

/**
 * One agent panel inside the PanelView: it renders into `element`, loads its state in `refresh`
 * (called at mount and whenever the event stream reconnects, so nothing missed while it was down
 * stays stale) and applies live `/api/events` in `onEvent`.
 */
export interface Panel {
  readonly title: string;
  readonly element: HTMLElement;
  refresh(): Promise<void>;
  onEvent?(event: AgentEvent): void;
  dispose?(): void;
}
