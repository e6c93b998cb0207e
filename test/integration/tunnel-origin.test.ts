import WebSocket from 'ws';
import { startAgent, type AgentUnderTest } from './agent-harness';

/** What a browser reaching the agent through a tunnel sends: the tunnel's https origin. */
const TUNNEL = 'https://calm-river-1234.trycloudflare.com';

function upgrade(agent: AgentUnderTest, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(agent.wsUrl, { headers: { authorization: `Bearer ${agent.token}`, origin } });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

describe('origins of tunnels', () => {
  let agent: AgentUnderTest;
  beforeAll(async () => {
    agent = await startAgent();
  });
  afterAll(() => agent.stop());

  const publish = (state: 'up' | 'down', publicUrl: string | null) =>
    agent.tk.kernel.events.publish('tunnels-api', 'tunnel.status', { id: 'cloudflare', state, publicUrl, error: null, startedAt: null });

  it('allows the public URL of a tunnel as an Origin exactly while the tunnel is up', async () => {
    const info = () => agent.api('GET', '/api/info', undefined, { origin: TUNNEL });
    expect((await info()).status).toBe(403);
    expect(await upgrade(agent, TUNNEL)).toBe(403);

    publish('up', TUNNEL + '/');
    expect((await info()).status).toBe(200);
    expect(await upgrade(agent, TUNNEL)).toBe(101);
    // Only that origin: another trycloudflare host is still a foreign page.
    expect((await agent.api('GET', '/api/info', undefined, { origin: 'https://evil.trycloudflare.com' })).status).toBe(403);

    publish('down', null);
    expect((await info()).status).toBe(403);
    expect(await upgrade(agent, TUNNEL)).toBe(403);
  });
});
