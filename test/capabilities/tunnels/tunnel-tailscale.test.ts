import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimulatedPlatform, startTestAgent, startTestKernel, type TestAgent } from 'tunnelforge/testkit';
import tunnelTailscale from '../../../plugins/tunnel-tailscale/src';
import { TailscaleIdentityAuthenticator } from '../../../plugins/tunnel-tailscale/src/tailscale-identity-authenticator';
import { tailscaleConfigSchema } from '../../../plugins/tunnel-tailscale/src/tailscale-config';
import { MemoryLogger } from '../../../src/kernel/logger/memory-logger';
import { fakeBin, type FakeBin } from '../support/fake-bin';
import { processAlive } from '../support/process-alive';
import { startTunnelKernel } from './tunnel-kernel';

const LOCAL_URL = 'http://127.0.0.1:4020';
const HOST = 'fakehost.tail1234.ts.net';

interface ServeState {
  background: Array<Record<string, unknown>>;
  foreground: Record<string, { https: number; funnel: boolean; target: string; proxyPort: number }>;
}

describe('tunnel-tailscale (fake tailscale on PATH)', () => {
  test('serve by default: `tailscale serve --https=443 <local URL>` in the foreground; the URL is the MagicDNS name from status --json', async () => {
    const { provider, bin, cleanup } = await startTunnelKernel(tunnelTailscale, 'tailscale');
    try {
      const status = await provider.start(LOCAL_URL);
      expect(status).toMatchObject({ id: 'tailscale', state: 'up', publicUrl: `https://${HOST}` });
      const argvs = bin.starts('tailscale').map((s) => JSON.parse(s.line).argv as string[]);
      expect(argvs).toEqual([['status', '--json'], ['serve', '--https=443', LOCAL_URL]]);
    } finally {
      await cleanup();
    }
  });

  test('funnel only when configured, on an allowed port; the config refuses funnel elsewhere', async () => {
    const { provider, bin, cleanup } = await startTunnelKernel(tunnelTailscale, 'tailscale', { FAKE_TAILSCALE_DNS_NAME: 'Box.Tail9.ts.net.' }, { mode: 'funnel', httpsPort: 10000 });
    try {
      expect((await provider.start(LOCAL_URL)).publicUrl).toBe('https://box.tail9.ts.net:10000');
      expect(JSON.parse(bin.starts('tailscale')[1].line).argv).toEqual(['funnel', '--https=10000', LOCAL_URL]);
    } finally {
      await cleanup();
    }
    const bad = tailscaleConfigSchema.safeParse({ mode: 'funnel', httpsPort: 8080 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['httpsPort'], message: 'Tailscale Funnel serves only on ports 443, 8443 and 10000' });
  });

  test('stop removes only the serve config it created: a serve config of the user stays', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-tailscale-'));
    const state = path.join(dir, 'serve-state.json');
    writeFileSync(state, JSON.stringify({ background: [{ https: 8443, target: 'http://127.0.0.1:9000', by: 'the user' }], foreground: {} }));
    const { provider, bin, cleanup } = await startTunnelKernel(tunnelTailscale, 'tailscale', { FAKE_TAILSCALE_STATE: state });
    try {
      await provider.start(LOCAL_URL);
      const up = JSON.parse(readFileSync(state, 'utf8')) as ServeState;
      expect(Object.values(up.foreground)).toEqual([expect.objectContaining({ https: 443, funnel: false, target: LOCAL_URL })]);
      const [pid] = bin.pids('tailscale').slice(-1);
      await provider.stop();
      expect(processAlive(pid)).toBe(false);
      const down = JSON.parse(readFileSync(state, 'utf8')) as ServeState;
      expect(down).toEqual({ background: [{ https: 8443, target: 'http://127.0.0.1:9000', by: 'the user' }], foreground: {} });
    } finally {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['logged out', { FAKE_TAILSCALE_MODE: 'logged-out' }, /tailscale is logged out on this machine: run `tailscale up`/],
    ['stopped', { FAKE_TAILSCALE_MODE: 'stopped' }, /tailscale is stopped on this machine: run `tailscale up`/],
    ['tailscaled not running', { FAKE_TAILSCALE_MODE: 'no-daemon' }, /tailscaled is not running on this machine: failed to connect to local tailscaled/],
    ['no serve permission', { FAKE_TAILSCALE_MODE: 'no-permission' }, /tailscale exited before reporting a public URL \(exit code 1\): this user may not change the tailscale serve config \(Access denied\): run `sudo tailscale set --operator=\$USER` once/],
  ])('%s: start fails with the reason in words and the status says it', async (_name, env, message) => {
    const { provider, cleanup } = await startTunnelKernel(tunnelTailscale, 'tailscale', env);
    try {
      await expect(provider.start(LOCAL_URL)).rejects.toThrow(message);
      expect(provider.status()).toMatchObject({ state: 'error', publicUrl: null, error: expect.stringMatching(message) });
    } finally {
      await cleanup();
    }
  });

  test('Serve not enabled in the tailnet: the URL timeout quotes why', async () => {
    const { provider, cleanup } = await startTunnelKernel(tunnelTailscale, 'tailscale', { FAKE_TAILSCALE_MODE: 'serve-disabled' }, { urlTimeoutMs: 800 });
    try {
      await expect(provider.start(LOCAL_URL)).rejects.toThrow(/tailscale reported no public URL within 800 ms \(last output: Tailscale Serve \(HTTPS certificates\) is not enabled on this tailnet/);
    } finally {
      await cleanup();
    }
  });

  test('missing binary: the plugin is skipped with the reason (plugins ls shows it)', async () => {
    const tk = await startTestKernel({ plugins: [tunnelTailscale], platform: new SimulatedPlatform({ platform: 'linux', executables: { tailscale: null } }), start: false });
    expect(tk.plugin('tunnel-tailscale')).toMatchObject({ state: 'skipped', reason: 'tailscale not found on PATH' });
    await tk.stop();
  });
});

/** A GET through the fake serve proxy (what a tailnet device's request looks like to the agent). */
function viaServe(port: number, route: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: route, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
      })
      .on('error', reject);
  });
}

/** Exactly the headers the serve proxy would add: forged by a client talking to the agent directly. */
const FORGED = {
  'tailscale-user-login': 'alice@example.com',
  'tailscale-user-name': 'alice',
  'tailscale-headers-info': 'https://tailscale.com/s/serve-headers',
  'x-forwarded-for': '100.101.102.103',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': HOST,
};

describe('tunnel-tailscale identity authenticator (real agent, fake tailscale serve proxy)', () => {
  let bin: FakeBin;
  let agent: TestAgent;
  let state: string;
  let stateDir: string;
  const proxyPort = () => Object.values((JSON.parse(readFileSync(state, 'utf8')) as ServeState).foreground)[0].proxyPort;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'tf-tailscale-'));
    state = path.join(stateDir, 'serve-state.json');
    bin = fakeBin({ tailscale: { FAKE_TAILSCALE_STATE: state } });
    agent = await startTestAgent({
      plugins: [tunnelTailscale],
      platform: new SimulatedPlatform({ platform: 'linux', searchPath: `${bin.dir}:${process.env.PATH}` }),
      config: { plugins: { 'tunnel-tailscale': { options: { identity: { enabled: true, users: { 'alice@example.com': 'writer' } } } } } },
    });
  });
  afterAll(async () => {
    await agent.stop();
    bin.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('the tunnel runs through the tunnels API', async () => {
    expect(agent.plugin('tunnel-tailscale').state).toBe('active');
    const started = await agent.as('admin').post('/api/tunnels/tailscale/start');
    expect(started.status).toBe(200);
    expect(started.json.tunnel).toMatchObject({ id: 'tailscale', state: 'up', publicUrl: `https://${HOST}` });
    expect((await agent.as('viewer').get('/api/tunnels')).json.tunnels).toEqual([expect.objectContaining({ id: 'tailscale', state: 'up' })]);
  });

  test('a request through the serve proxy is admitted as the tailnet user, with the role from config', async () => {
    const me = await viaServe(proxyPort(), '/api/auth/me');
    expect(me).toEqual({ status: 200, body: { id: 'tailscale:alice@example.com', role: 'writer', via: 'tunnel-tailscale' } });
    // A client cannot choose another identity through the proxy: it replaces what was sent.
    const spoofed = await viaServe(proxyPort(), '/api/auth/me', { 'tailscale-user-login': 'root@example.com' });
    expect(spoofed.body.id).toBe('tailscale:alice@example.com');
  });

  test('the same headers sent straight to the agent are refused unless complete; incomplete ones never count', async () => {
    const partial = await agent.anonymous().get('/api/auth/me', { headers: { 'tailscale-user-login': 'alice@example.com' } });
    expect(partial.status).toBe(401);
    const noForwardedFor = await agent.anonymous().get('/api/auth/me', { headers: { ...FORGED, 'x-forwarded-for': '192.168.1.20' } });
    expect(noForwardedFor.status).toBe(401);
    const otherHost = await agent.anonymous().get('/api/auth/me', { headers: { ...FORGED, 'x-forwarded-host': 'evil.example.com' } });
    expect(otherHost.status).toBe(401);
    const funnel = await agent.anonymous().get('/api/auth/me', { headers: { ...FORGED, 'tailscale-funnel-request': '?1' } });
    expect(funnel.status).toBe(401);
  });

  test('an event stream admitted by identity closes when the tunnel stops; then even complete headers are refused', async () => {
    const ended = new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: proxyPort(), path: '/api/events', agent: false }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve(Date.now()));
          res.on('close', () => resolve(Date.now()));
        })
        .on('error', () => resolve(Date.now()));
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stoppedAt = Date.now();
    expect((await agent.as('admin').post('/api/tunnels/tailscale/stop')).status).toBe(200);
    expect((await ended) - stoppedAt).toBeLessThan(1000);
    expect((await agent.anonymous().get('/api/auth/me', { headers: FORGED })).status).toBe(401);
  });

  test('unit: non-loopback peers, a non-loopback bind, funnel mode and the default (disabled) config are refused', () => {
    const config = tailscaleConfigSchema.parse({ identity: { enabled: true, users: { 'alice@example.com': 'admin' } } });
    const up = { id: 'tailscale', state: 'up' as const, publicUrl: `https://${HOST}`, error: null, startedAt: null };
    const context = (host = '127.0.0.1') => ({ tunnel: () => up, agentHost: () => host, log: new MemoryLogger(), now: () => Date.now() });
    const request = (remoteAddress: string) => ({ surface: 'http' as const, method: 'GET', path: '/api/auth/me', query: '', headers: FORGED, remoteAddress });
    expect(new TailscaleIdentityAuthenticator(config, context()).authenticate(request('127.0.0.1'))).toMatchObject({ kind: 'allow', principal: { role: 'admin' } });
    expect(new TailscaleIdentityAuthenticator(config, context()).authenticate(request('192.168.1.9'))).toEqual({ kind: 'pass' });
    expect(new TailscaleIdentityAuthenticator(config, context('0.0.0.0')).authenticate(request('127.0.0.1'))).toEqual({ kind: 'pass' });
    const funnel = tailscaleConfigSchema.parse({ mode: 'funnel', identity: config.identity });
    expect(new TailscaleIdentityAuthenticator(funnel, context()).authenticate(request('127.0.0.1'))).toEqual({ kind: 'pass' });
    expect(new TailscaleIdentityAuthenticator(tailscaleConfigSchema.parse({}), context()).authenticate(request('127.0.0.1'))).toEqual({ kind: 'pass' });
    expect(tailscaleConfigSchema.safeParse({ identity: { enabled: true } }).error?.issues[0].message).toBe('identity.enabled needs at least one entry in identity.users (login → role)');
  });
});
