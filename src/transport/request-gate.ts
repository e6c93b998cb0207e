import type { HttpResponse } from '../plugin-api/http-routes';

/**
 * Answers a request itself while the server should not serve it (the agent is starting or
 * stopping), or returns null to let it through. Checked before routing, for HTTP requests and
 * WebSocket upgrades alike, so it must be cheap.
 */
export type RequestGate = (path: string) => HttpResponse | null;

/** The gate both dispatchers read; replaced at run time by {@link UwsServer.setGate}. */
export interface GateHolder {
  current: RequestGate | null;
}
