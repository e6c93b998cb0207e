import type { AgentInfo, HttpResponse } from '../../plugin-api';
import type { RequestGate } from '../../transport/request-gate';

/** Always served: it is how a client learns that the agent is starting or stopping. */
const HEALTH_PATH = '/api/health';

/**
 * 503 on every route but health until the agent is ready, and again once it stops: a client never
 * sees a half-built agent (a 404 from a route whose plugin has not started, a login that fails).
 */
export function readinessGate(agent: AgentInfo): RequestGate {
  return (path) => {
    const state = agent.state;
    if (state === 'ready' || path === HEALTH_PATH) return null;
    const response: HttpResponse = { status: 503, json: notReadyBody(state), headers: { 'retry-after': '1' } };
    return response;
  };
}

/** What a 503 says while the agent starts or stops: a `status` for probes and the usual error envelope. */
export function notReadyBody(state: AgentInfo['state']): { status: 'starting' | 'stopping'; error: { code: string; message: string } } {
  const status = state === 'starting' ? 'starting' : 'stopping';
  return { status, error: { code: 'TF_ERR_UNAVAILABLE', message: `The agent is ${status}; try again in a moment` } };
}
