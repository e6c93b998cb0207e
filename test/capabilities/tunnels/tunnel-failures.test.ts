import { createServer } from 'node:net';
import { TunnelProvider, type PluginDefinition } from 'tunnelforge/plugin';
import { SimulatedPlatform, startTestKernel } from 'tunnelforge/testkit';
import tunnelCloudflare from '../../../plugins/tunnel-cloudflare/src';
import tunnelNgrok from '../../../plugins/tunnel-ngrok/src';
import type { FakeTool } from '../support/fake-bin';
import { processAlive } from '../support/process-alive';
import { waitFor } from '../support/wait-for';
import { startTunnelKernel, type TunnelKernel } from './tunnel-kernel';

const LOCAL_URL = 'http://127.0.0.1:4020';

interface Case {
  name: string;
  plugin: PluginDefinition<any>;
  tool: FakeTool;
  /** Environment variable prefix of the fake's modes. */
  prefix: string;
  /** What the fake's failing start prints, as the tunnel's error should quote it. */
  failure: RegExp;
  death: RegExp;
}

const cases: Case[] = [
  {
    name: 'cloudflare',
    plugin: tunnelCloudflare,
    tool: 'cloudflared',
    prefix: 'FAKE_CLOUDFLARED',
    failure: /^cloudflared exited before reporting a public URL \(exit code 1\): failed to request quick Tunnel error=/,
    death: /^cloudflared exited unexpectedly \(exit code 1\): Connection terminated error="connection with edge closed" connIndex=0; restarting in 200 ms \(attempt 1 of 10\)$/,
  },
  {
    name: 'ngrok',
    plugin: tunnelNgrok,
    tool: 'ngrok',
    prefix: 'FAKE_NGROK',
    failure: /^ngrok exited before reporting a public URL \(exit code 1\): authentication failed: Usage of ngrok requires a verified account and authtoken\./,
    death: /^ngrok exited unexpectedly \(exit code 1\): connection reset by peer; restarting in 200 ms \(attempt 1 of 10\)$/,
  },
];

describe.each(cases)('tunnel $name failure modes', ({ plugin, tool, prefix, failure, death }) => {
  let k: TunnelKernel | undefined;
  afterEach(async () => {
    await k?.cleanup();
    k = undefined;
  });
  const allGone = () => k!.bin.pids(tool).every((pid) => !processAlive(pid));

  it('reports the public URL within a second', async () => {
    k = await startTunnelKernel(plugin, tool);
    const started = Date.now();
    const status = await k.provider.start(LOCAL_URL);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(status.publicUrl).toMatch(/^https:\/\/[a-z0-9-]+\.(trycloudflare\.com|ngrok-free\.app)$/);
    expect(k.tk.events.filter((e) => e.type === 'tunnel.status')).toEqual([]); // only tunnels-api publishes
  });

  it('binary missing: detect skips the plugin with a clear reason', async () => {
    const tk = await startTestKernel({ plugins: [plugin], platform: new SimulatedPlatform({ platform: 'linux', searchPath: '' }) });
    expect(tk.plugin(plugin.id)).toMatchObject({ state: 'skipped', reason: `${tool} not found on PATH` });
    expect(tk.getAll(TunnelProvider)).toEqual([]);
    await tk.stop();
  });

  it('binary gone by the time it starts: error, not a crash', async () => {
    k = await startTunnelKernel(plugin, tool);
    k.bin.cleanup(); // removes the fake after detect found it
    await expect(k.provider.start(LOCAL_URL)).rejects.toThrow(`${tool} not found on PATH`);
    expect(k.provider.status()).toMatchObject({ state: 'error', error: `${tool} not found on PATH`, publicUrl: null });
  });

  it('exits at once: error quoting what it printed, no process left', async () => {
    k = await startTunnelKernel(plugin, tool, { [`${prefix}_MODE`]: 'fail' });
    await expect(k.provider.start(LOCAL_URL)).rejects.toThrow(failure);
    expect(k.provider.status().state).toBe('error');
    expect(k.provider.status().error).toMatch(failure);
    expect(allGone()).toBe(true);
  });

  it('prints no URL within the timeout: error, and the process is stopped', async () => {
    k = await startTunnelKernel(plugin, tool, { [`${prefix}_MODE`]: 'no-url' }, { urlTimeoutMs: 600 });
    await expect(k.provider.start(LOCAL_URL)).rejects.toThrow(new RegExp(`^${tool} reported no public URL within 600 ms`));
    expect(k.provider.status().state).toBe('error');
    expect(k.bin.pids(tool)).toHaveLength(1);
    expect(allGone()).toBe(true);
  });

  it('dies after being up: restarted with back-off, a new URL, the old process gone', async () => {
    k = await startTunnelKernel(plugin, tool, { [`${prefix}_DIE_AFTER_MS`]: '300' }, { restart: { initialDelayMs: 200 } });
    const first = await k.provider.start(LOCAL_URL);
    expect(first.state).toBe('up');
    await waitFor(() => k!.provider.status().state === 'error', 'the tunnel to notice the death');
    expect(k.provider.status().error).toMatch(death);
    await waitFor(() => k!.provider.status().state === 'up', 'the restarted tunnel to come up');
    const [oldPid, newPid] = k.bin.pids(tool);
    expect(processAlive(oldPid)).toBe(false);
    expect(newPid).not.toBe(oldPid);
    await k.provider.stop();
    expect(allGone()).toBe(true);
  });

  it('stop during start (process spawned, no URL yet): start rejects, down, no process left', async () => {
    k = await startTunnelKernel(plugin, tool, { [`${prefix}_DELAY_MS`]: '3000' });
    const starting = k.provider.start(LOCAL_URL);
    await waitFor(() => k!.bin.pids(tool).length === 1, 'the tool to be spawned');
    await k.provider.stop();
    await expect(starting).rejects.toThrow('was stopped before it was up');
    expect(k.provider.status()).toMatchObject({ state: 'down', error: null });
    expect(allGone()).toBe(true);
  });

  it('agent shutdown stops a running tunnel', async () => {
    k = await startTunnelKernel(plugin, tool);
    await k.provider.start(LOCAL_URL);
    const [pid] = k.bin.pids(tool);
    expect(processAlive(pid)).toBe(true);
    await k.tk.stop();
    expect(processAlive(pid)).toBe(false);
    expect(k.provider.status().state).toBe('down');
  });
});

describe('secrets stay out of argv and logs', () => {
  it('cloudflare: the named-tunnel token travels in TUNNEL_TOKEN only', async () => {
    const token = 'eyJhIjoic2VjcmV0LXRva2VuLXZhbHVlIn0';
    const k = await startTunnelKernel(tunnelCloudflare, 'cloudflared', {}, { token, hostname: 'Term.Example.com' });
    try {
      expect(await k.provider.start(LOCAL_URL)).toMatchObject({ state: 'up', publicUrl: 'https://term.example.com' });
      const [start] = k.bin.starts('cloudflared');
      const record = JSON.parse(start.line) as { argv: string[]; tokenSet: boolean; tokenLength: number };
      expect(record.argv).toEqual(['tunnel', '--no-autoupdate', '--metrics', '127.0.0.1:0', 'run']);
      expect(record.tokenSet).toBe(true);
      expect(record.tokenLength).toBe(token.length);
      expect(JSON.stringify(k.tk.logger.entries)).not.toContain(token);
    } finally {
      await k.cleanup();
    }
  });

  it('cloudflare quick tunnel: a stray TUNNEL_TOKEN in the environment is not passed on', async () => {
    const saved = process.env.TUNNEL_TOKEN;
    process.env.TUNNEL_TOKEN = 'stray';
    try {
      const k = await startTunnelKernel(tunnelCloudflare, 'cloudflared');
      await k.provider.start(LOCAL_URL);
      const record = JSON.parse(k.bin.starts('cloudflared')[0].line) as { argv: string[]; tokenSet: boolean };
      expect(record.tokenSet).toBe(false);
      expect(record.argv).toEqual(['tunnel', '--no-autoupdate', '--metrics', '127.0.0.1:0', '--url', LOCAL_URL]);
      await k.cleanup();
    } finally {
      if (saved === undefined) delete process.env.TUNNEL_TOKEN;
      else process.env.TUNNEL_TOKEN = saved;
    }
  });

  it('ngrok: the authtoken from config travels in NGROK_AUTHTOKEN only', async () => {
    const authtoken = '2abcSECRETauthtoken_0123456789';
    const k = await startTunnelKernel(tunnelNgrok, 'ngrok', { FAKE_NGROK_REQUIRE_AUTHTOKEN: '1' }, { authtoken });
    try {
      expect((await k.provider.start(LOCAL_URL)).publicUrl).toBe('https://a1b2-c3d4.ngrok-free.app');
      const record = JSON.parse(k.bin.starts('ngrok')[0].line) as { argv: string[]; authtokenSet: boolean; authtokenLength: number };
      expect(record.argv).toEqual(['http', LOCAL_URL, '--log', 'stdout', '--log-format', 'logfmt']);
      expect(record.authtokenSet).toBe(true);
      expect(record.authtokenLength).toBe(authtoken.length);
      expect(JSON.stringify(k.tk.logger.entries)).not.toContain(authtoken);
    } finally {
      await k.cleanup();
    }
  });
});

describe('ngrok web address', () => {
  it('a configured webPort is set through a merged config file and used for the API', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    // quiet: no "started tunnel" line, so the URL can only come from the API on that port.
    const k = await startTunnelKernel(tunnelNgrok, 'ngrok', { FAKE_NGROK_MODE: 'quiet' }, { webPort: port, configPath: '/nonexistent/ngrok.yml' });
    try {
      expect((await k.provider.start(LOCAL_URL)).publicUrl).toBe('https://a1b2-c3d4.ngrok-free.app');
      const { argv } = JSON.parse(k.bin.starts('ngrok')[0].line) as { argv: string[] };
      const files = argv[argv.indexOf('--config') + 1].split(',');
      expect(files).toHaveLength(1); // the missing user config is not passed
      expect(files[0]).toMatch(/tf-ngrok-.*web-addr\.yml$/);
      await k.provider.stop();
      await waitFor(async () => !(await import('node:fs')).existsSync(files[0]), 'the override file to be removed');
    } finally {
      await k.cleanup();
    }
  });
});
