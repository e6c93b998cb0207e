import * as path from 'node:path';
import { defineCapability } from 'tunnelforge/plugin';
import { BootError, startTestKernel } from 'tunnelforge/testkit';

const appRoot = path.join(__dirname, '..', 'fixtures', 'plugin-app');
const Greeter = defineCapability<{ greet(name: string): string }>('hello.Greeter');

describe('third-party plugin packages', () => {
  it('loads a plugin listed by package name, with its own config slice', async () => {
    const tk = await startTestKernel({ plugins: [], appRoot, config: { packages: ['tunnelforge-plugin-hello'], plugins: { hello: { options: { greeting: 'hoi' } } } } });
    expect(tk.plugin('hello')).toMatchObject({ state: 'active', source: 'package', package: 'tunnelforge-plugin-hello', version: '1.0.0' });
    // Tokens match by id, so a token declared here finds the package's provider.
    expect(tk.get(Greeter)?.greet('Ada')).toBe('hoi, Ada');
    expect(tk.events.find((e) => e.type === 'hello.activated')).toMatchObject({ source: 'hello', data: { greeting: 'hoi' } });
    await tk.stop();
  });

  it('does not scan dependencies unless discovery is on; then finds only tunnelforge-plugin-* names', async () => {
    const off = await startTestKernel({ plugins: [], appRoot });
    expect(off.report()).toEqual([]);
    await off.stop();
    const on = await startTestKernel({ plugins: [], appRoot, config: { discoverPackages: true } });
    expect(on.report().map((r) => [r.id, r.source, r.state])).toEqual([
      ['acme-scoped', 'discovered', 'active'],
      ['hello', 'discovered', 'active'],
    ]);
    await on.stop();
  });

  it('reports a listed package that is not installed, one that is not a plugin, and one with no entry point', async () => {
    const err = await startTestKernel({ plugins: [], appRoot, config: { packages: ['tunnelforge-plugin-missing', 'not-a-plugin', 'tunnelforge-plugin-unbuilt'] } }).catch((e) => e);
    expect(err).toBeInstanceOf(BootError);
    expect(err.problems).toEqual([
      expect.objectContaining({ code: 'TF_ERR_PLUGIN_NOT_FOUND', plugin: 'tunnelforge-plugin-missing', message: expect.stringContaining('is not installed') }),
      expect.objectContaining({ code: 'TF_ERR_PLUGIN_INVALID', plugin: 'not-a-plugin', message: expect.stringContaining('must never be loaded') }),
      // Installed but unbuilt: Node's own error ("Cannot find module") would read as "not installed".
      expect.objectContaining({ code: 'TF_ERR_PLUGIN_INVALID', plugin: 'tunnelforge-plugin-unbuilt', message: expect.stringMatching(/has no entry point: set "main" or "exports"/) }),
    ]);
  });
});
