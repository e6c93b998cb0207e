import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb, GZIP_BUDGET_BYTES } = require('../../scripts/build-web.js') as {
  buildWeb(options: { outDir: string; quiet?: boolean; budgetBytes?: number }): Promise<{ script: string; style: string; gzipBytes: number; budgetBytes: number }>;
  GZIP_BUDGET_BYTES: number;
};

/** The page's weight: every build measures it gzipped and refuses to finish over the budget. */
describe('web bundle size budget', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-web-budget-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('the page (script + styles, xterm.js included) is within 350 KiB gzipped, measured from the served .gz files', async () => {
    const outDir = tempDir();
    const built = await buildWeb({ outDir, quiet: true });
    expect(GZIP_BUDGET_BYTES).toBe(350 * 1024);
    const gz = (name: string) => statSync(path.join(outDir, 'assets', `${name}.gz`)).size;
    expect(built.gzipBytes).toBe(gz(built.script) + gz(built.style));
    // The .gz files are what gzip makes of the assets (so the number is what a browser downloads).
    const script = readFileSync(path.join(outDir, 'assets', built.script));
    expect(zlib.gunzipSync(readFileSync(path.join(outDir, 'assets', `${built.script}.gz`))).equals(script)).toBe(true);
    expect(script.toString('utf8')).toContain('xterm');
    expect(built.gzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
    console.log(`web bundle: ${(built.gzipBytes / 1024).toFixed(1)} KiB gzipped of ${GZIP_BUDGET_BYTES / 1024} KiB`);
  });

  it('a build over its budget fails with a message that says by how much and where to look', async () => {
    await expect(buildWeb({ outDir: tempDir(), quiet: true, budgetBytes: 50 * 1024 })).rejects.toThrow(/the page is [\d.]+ KiB gzipped \(script \+ styles\), over its budget of 50 KiB/);
  });
});
