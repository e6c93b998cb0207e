import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import coreHttp from '../../src/plugins/core-http';
import webUi from '../../src/plugins/web-ui';
import { startTestKernel } from '../../src/testkit';

describe('web-ui plugin', () => {
  it('is skipped with a clear reason when the web client was not built', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'tf-no-web-'));
    const tk = await startTestKernel({ plugins: [coreHttp, webUi], config: { logLevel: 'silent', plugins: { 'web-ui': { options: { dir: empty } } } } });
    try {
      const report = tk.plugin('web-ui');
      expect(report.state).toBe('skipped');
      expect(report.reason).toContain('web client not built: run npm run build');
    } finally {
      await tk.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
