import { AgentInfo, definePlugin, TunnelProvider } from 'tunnelforge/plugin';
import { startTestKernel, type TestKernel } from 'tunnelforge/testkit';
import tunnelCloudflare from '../../../plugins/tunnel-cloudflare/src';
import tunnelNgrok from '../../../plugins/tunnel-ngrok/src';
import tunnelsApi from '../../../src/plugins/tunnels-api';
import { fakeBin, type FakeBin } from '../support/fake-bin';
import { processAlive } from '../support/process-alive';
import { authAs, serverUrl, testHttpPlugin } from '../support/test-http-plugin';
import { waitFor } from '../support/wait-for';

// Through the real uWebSockets.js server (src/transport) on 127.0.0.1 with real fetch.
describe('tunnels-api', () => {
  let bin: FakeBin;
  let tk: TestKernel;
  let url: string;
  let agent: AgentInfo;
  beforeAll(async () => {
    bin = fakeBin({ cloudflared: {}, ngrok: { FAKE_NGROK_REQUIRE_AUTHTOKEN: '1' } }); // ngrok has no token: its start fails
    const probe = definePlugin({ id: 'probe', apiVersion: 1, activate: (ctx) => void (agent = ctx.agent) });
    tk = await startTestKernel({
      plugins: [testHttpPlugin(), tunnelCloudflare, tunnelNgrok, tunnelsApi, probe],
      platform: bin.platform('linux'),
      config: { plugins: { 'tunnels-api': { options: { autostart: ['cloudflare', 'tailscale'] } } } },
    });
    url = serverUrl(tk);
  });
  afterAll(async () => {
    await tk.stop();
    bin.cleanup();
  });

  const get = (path: string, role: 'viewer' | 'admin' = 'viewer') => fetch(`${url}${path}`, { headers: authAs(role) });
  const post = (path: string, role: 'viewer' | 'admin' = 'admin') => fetch(`${url}${path}`, { method: 'POST', headers: authAs(role) });

  it('autostarts the configured tunnels once the server listens, and warns about unknown ids', async () => {
    const cloudflare = tk.getAll(TunnelProvider).find((p) => p.id === 'cloudflare')!;
    await waitFor(() => cloudflare.status().state === 'up', 'the autostarted cloudflare tunnel');
    const [pid] = bin.pids('cloudflared');
    expect(JSON.parse(bin.starts('cloudflared')[0].line).argv).toContain(url); // it exposes the agent's own URL
    expect(processAlive(pid)).toBe(true);
    expect(tk.logger.entries.find((e) => e.msg === 'autostart names a tunnel provider that is not active')?.fields).toMatchObject({ tunnel: 'tailscale', active: ['cloudflare', 'ngrok'] });
  });

  it('GET /api/tunnels lists every provider status for a viewer; anonymous callers get 401', async () => {
    expect((await fetch(`${url}/api/tunnels`)).status).toBe(401);
    const res = await get('/api/tunnels');
    expect(res.status).toBe(200);
    const { tunnels } = (await res.json()) as { tunnels: Array<{ id: string; state: string; publicUrl: string | null }> };
    expect(tunnels.map((t) => t.id).sort()).toEqual(['cloudflare', 'ngrok']);
    expect(tunnels.find((t) => t.id === 'cloudflare')).toMatchObject({ state: 'up', publicUrl: expect.stringMatching(/\.trycloudflare\.com$/) });
    expect(tunnels.find((t) => t.id === 'ngrok')).toMatchObject({ state: 'down', publicUrl: null });
  });

  it('start and stop are admin-only; unknown ids are 404', async () => {
    expect((await post('/api/tunnels/cloudflare/stop', 'viewer')).status).toBe(403);
    const missing = await post('/api/tunnels/nope/start');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('TF_ERR_TUNNEL_NOT_FOUND');
  });

  it('stop, then start again through the API, publishing tunnel.status events', async () => {
    const before = bin.pids('cloudflared');
    const stopped = await post('/api/tunnels/cloudflare/stop');
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ tunnel: { id: 'cloudflare', state: 'down', publicUrl: null, error: null, startedAt: null } });
    expect(before.every((pid) => !processAlive(pid))).toBe(true);

    const started = await post('/api/tunnels/cloudflare/start');
    expect(started.status).toBe(200);
    expect(((await started.json()) as { tunnel: { state: string } }).tunnel.state).toBe('up');
    const states = tk.events.filter((e) => e.type === 'tunnel.status' && (e.data as { id: string }).id === 'cloudflare').map((e) => (e.data as { state: string }).state);
    expect(states).toEqual(['starting', 'up', 'down', 'starting', 'up']);
    expect(tk.events.find((e) => e.type === 'tunnel.status')?.source).toBe('tunnels-api');
  });

  it('a start that fails answers 502 with the reason and leaves the provider in error', async () => {
    const res = await post('/api/tunnels/ngrok/start');
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('TF_ERR_TUNNEL_FAILED');
    expect(body.error.message).toMatch(/^ngrok exited before reporting a public URL \(exit code 1\): authentication failed/);
    expect(((await (await get('/api/tunnels')).json()) as { tunnels: Array<{ id: string; state: string }> }).tunnels.find((t) => t.id === 'ngrok')?.state).toBe('error');
  });

  it('never changes the agent bind: same host, port and URL while a tunnel is up', async () => {
    expect(agent.host).toBe('127.0.0.1');
    expect(agent.localUrl()).toBe(url);
    expect((await get('/api/tunnels')).status).toBe(200);
  });
});
