import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Settings, TunnelProvider } from 'tunnelforge/plugin';
import { startTestKernel, type TestKernel } from 'tunnelforge/testkit';
import tunnelCloudflare from '../../plugins/tunnel-cloudflare/src';
import settingsPlugin from '../../src/plugins/settings';
import tunnelsApi from '../../src/plugins/tunnels-api';
import { fakeBin, type FakeBin } from '../capabilities/support/fake-bin';
import { testHttpPlugin } from '../capabilities/support/test-http-plugin';
import { waitFor } from '../capabilities/support/wait-for';

// The fake cloudflared on PATH (test/fakes/bin) prints a trycloudflare URL like the real one.
describe('tunnel autostart from the run-time settings', () => {
  let bin: FakeBin;
  let dataDir: string;
  let tk: TestKernel | undefined;
  const start = () => startTestKernel({
    plugins: [testHttpPlugin(), settingsPlugin, tunnelCloudflare, tunnelsApi],
    platform: bin.platform('linux'),
    config: { dataDir, plugins: { 'tunnels-api': { options: { autostart: [] } } } },
  });
  const cloudflare = () => tk!.getAll(TunnelProvider).find((p) => p.id === 'cloudflare')!;

  beforeAll(() => {
    bin = fakeBin({ cloudflared: {} });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-autostart-'));
  });
  afterAll(async () => {
    await tk?.stop();
    bin.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a tunnel added to the autostart setting at once, and again at the next start', async () => {
    tk = await start();
    expect(cloudflare().status().state).toBe('down');
    await tk.get(Settings)!.update({ tunnels: { autostart: ['cloudflare'] } }, null);
    await waitFor(() => cloudflare().status().state === 'up', 'the tunnel the setting added');
    await tk.stop();
    expect(bin.pids('cloudflared')).toHaveLength(1);

    tk = await start(); // the config still says autostart: []
    await waitFor(() => cloudflare().status().state === 'up', 'the tunnel autostarted from settings.json');
    expect(bin.pids('cloudflared')).toHaveLength(2);
  });

  it('leaves a running tunnel alone when it is taken off the list', async () => {
    await tk!.get(Settings)!.update({ tunnels: { autostart: [] } }, null);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cloudflare().status().state).toBe('up');
  });
});
