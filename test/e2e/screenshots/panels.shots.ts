import tunnelCloudflare from '../../../plugins/tunnel-cloudflare/src';
import { fakeBin } from '../../capabilities/support/fake-bin';
import { launchChromium, SCREENSHOTS, startWebAgent } from '../web-harness';
import { capturePanelScreenshots } from './panels';

/**
 * Refreshes docs/screenshots/panel-*.png. Not part of `npm test` (the name does not end in
 * .test.ts); run it on request:
 *   npx jest --testMatch '**' '/*.shots.ts' test/e2e/screenshots   (one glob: '**' + '/*.shots.ts')
 */
it('refreshes the panel screenshots in docs/screenshots', async () => {
  const bin = fakeBin({ cloudflared: { FAKE_CLOUDFLARED_NAME: 'calm-river-example' } });
  const savedPath = process.env.PATH;
  process.env.PATH = `${bin.dir}:${savedPath}`;
  const [agent, browser] = await Promise.all([startWebAgent({ plugins: { 'monitor-api': { options: { intervalMs: 1000 } } } }, [tunnelCloudflare]), launchChromium()]);
  try {
    const files = await capturePanelScreenshots(browser, agent, SCREENSHOTS);
    expect(files).toHaveLength(14);
  } finally {
    await browser.close();
    await agent.stop();
    process.env.PATH = savedPath;
    bin.cleanup();
  }
}, 120_000);
