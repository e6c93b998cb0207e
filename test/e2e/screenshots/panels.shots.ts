import * as path from 'node:path';
import tunnelCloudflare from '../../../plugins/tunnel-cloudflare/src';
import { fakeBin } from '../../capabilities/support/fake-bin';
import { launchChromium, startWebAgent } from '../web-harness';
import { capturePanelScreenshots } from './panels';

const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');

/**
 * Refreshes docs/screenshots/panel-*.png. Not part of `npm test` (the name does not end in
 * .test.ts); `npm run screenshots` runs it with the other pictures.
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
